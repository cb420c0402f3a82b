// A stand-in for Telegram's https://telegram.org/js/telegram-web-app.js, routed into the page
// in its place: Telegram.WebApp with initData signed for the test's bot token, a theme, and
// MainButton, BackButton and HapticFeedback that record every call (window.__tg) — Telegram
// is a third party, the one stand-in the suites allow besides Gulyash.
export const telegramScript = 'https://telegram.org/js/telegram-web-app.js';

function stub({ initData, user, theme }) {
  const calls = [];
  window.__tg = calls;
  const record = (name) => (...args) => calls.push([name, ...args]);
  const button = (name) => {
    const b = {
      text: '', isVisible: false, isActive: true, isProgressVisible: false, handlers: [],
      setText(text) { b.text = text; calls.push([`${name}.setText`, text]); return b; },
      show() { b.isVisible = true; calls.push([`${name}.show`]); return b; },
      hide() { b.isVisible = false; calls.push([`${name}.hide`]); return b; },
      enable() { b.isActive = true; return b; },
      disable() { b.isActive = false; return b; },
      showProgress() { b.isProgressVisible = true; calls.push([`${name}.showProgress`]); return b; },
      hideProgress() { b.isProgressVisible = false; return b; },
      onClick(f) { b.handlers.push(f); return b; },
      offClick(f) { b.handlers = b.handlers.filter((h) => h !== f); return b; },
    };
    return b;
  };
  for (const [key, value] of Object.entries(theme ?? {})) document.documentElement.style.setProperty(`--tg-theme-${key}`, value);
  const MainButton = button('MainButton');
  const BackButton = button('BackButton');
  window.Telegram = {
    WebApp: {
      initData,
      initDataUnsafe: user ? { user } : {},
      version: '7.0',
      platform: 'android',
      colorScheme: 'light',
      isVersionAtLeast: (v) => Number(v) <= 7,
      ready: record('ready'),
      expand: record('expand'),
      MainButton,
      BackButton,
      HapticFeedback: { impactOccurred: record('impactOccurred'), notificationOccurred: record('notificationOccurred'), selectionChanged: record('selectionChanged') },
      onEvent: record('onEvent'),
      offEvent: record('offEvent'),
    },
  };
  // What a tap on Telegram's own buttons does.
  window.__pressMainButton = () => MainButton.handlers.forEach((f) => f());
  window.__pressBackButton = () => BackButton.handlers.forEach((f) => f());
}

// Routes Telegram's script in `page` to the stub for this customer.
export async function routeTelegram(page, { initData = '', user = null, theme = {} } = {}) {
  const body = `(${stub})(${JSON.stringify({ initData, user, theme })});`;
  await page.route(telegramScript, (route) => route.fulfill({ contentType: 'text/javascript', body }));
}
