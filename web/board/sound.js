// The sound of a new order and of an unattended one, and a notification while the page is
// hidden. Off until the user turns it on (browsers let a page play sound only after a
// gesture); the choice is remembered. Each sound is a fresh oscillator, so the hundredth
// order rings like the first.

const KEY = 'ordercast.board.sound';

export class Sound {
  constructor(storage) {
    this.storage = storage;
    this.on = storage.getItem(KEY) === 'on';
    this.ctx = null;
    // Remembered as on: the browser still wants a gesture before the first sound.
    const wake = () => this.on && this.context();
    addEventListener('pointerdown', wake, { once: true });
    addEventListener('keydown', wake, { once: true });
  }

  toggle() {
    this.on = !this.on;
    this.storage.setItem(KEY, this.on ? 'on' : 'off');
    if (this.on) {
      this.play('new');
      if (globalThis.Notification?.permission === 'default') Notification.requestPermission().catch(() => {});
    }
    return this.on;
  }

  context() {
    if (!this.ctx && globalThis.AudioContext) this.ctx = new AudioContext();
    if (this.ctx?.state === 'suspended') this.ctx.resume().catch(() => {});
    return this.ctx;
  }

  // 'new': one short tone; 'alert': three, higher.
  play(kind) {
    if (!this.on) return;
    const ctx = this.context();
    if (!ctx) return;
    const tones = kind === 'alert' ? [0, 0.3, 0.6] : [0];
    for (const at of tones) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = kind === 'alert' ? 988 : 784;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + at);
      gain.gain.exponentialRampToValueAtTime(0.3, ctx.currentTime + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + at + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + at);
      osc.stop(ctx.currentTime + at + 0.26);
    }
  }

  notify(title, body, tag) {
    if (!this.on || document.visibilityState === 'visible') return;
    if (globalThis.Notification?.permission !== 'granted') return;
    try {
      new Notification(title, { body, tag });
    } catch {}
  }
}
