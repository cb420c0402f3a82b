// Telegram's side of the Mini App (https://core.telegram.org/bots/webapps), through the
// Telegram.WebApp object its script provides. Every feature is optional: an older client, or
// a desktop browser opened with #tgWebAppData (as `ordercast telegram init-data` prints for
// development), has only some of them.

// initData as Telegram passes it: from Telegram's script, or from the URL's hash (where
// Telegram puts it, and where Telegram's own script reads it from).
function hashInitData() {
  try {
    return new URLSearchParams(location.hash.slice(1)).get('tgWebAppData') ?? '';
  } catch {
    return '';
  }
}

function userOf(initData) {
  try {
    return JSON.parse(new URLSearchParams(initData).get('user') ?? 'null');
  } catch {
    return null;
  }
}

export function telegram() {
  const app = globalThis.Telegram?.WebApp ?? null;
  const initData = app?.initData || hashInitData();
  const user = app?.initDataUnsafe?.user ?? userOf(initData);
  const version = (v) => app?.isVersionAtLeast?.(v) ?? false;
  return {
    initData,
    user,
    languageCode: user?.language_code ?? null,
    ready() {
      app?.ready?.();
      app?.expand?.();
    },
    // The bottom button: mirrors the page's checkout button (text, enabled, progress).
    mainButton({ text, visible, enabled, busy }) {
      const b = app?.MainButton;
      if (!b) return;
      if (!visible) return void b.hide();
      b.setText(text);
      if (enabled) b.enable();
      else b.disable();
      if (busy) b.showProgress(false);
      else b.hideProgress();
      b.show();
    },
    onMainButton(f) {
      app?.MainButton?.onClick(f);
    },
    backButton(visible) {
      if (!app?.BackButton || !version('6.1')) return;
      if (visible) app.BackButton.show();
      else app.BackButton.hide();
    },
    onBackButton(f) {
      if (version('6.1')) app?.BackButton?.onClick(f);
    },
    // 'add' | 'success' | 'error'
    haptic(kind) {
      const hf = version('6.1') ? app?.HapticFeedback : null;
      if (!hf) return;
      if (kind === 'add') hf.impactOccurred('light');
      else hf.notificationOccurred(kind);
    },
  };
}
