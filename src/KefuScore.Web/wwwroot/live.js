// The live page's sound: a short beep from the Web Audio API (no sound file), and the toggle remembered in localStorage.
let ctx;
export function beep() {
  try {
    ctx = ctx || new (window.AudioContext || window.webkitAudioContext)();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.25);
  } catch (e) { /* no audio: the alert still shows */ }
}
export function getSound() { try { return localStorage.getItem("kefu-live-sound") === "on"; } catch (e) { return false; } }
export function setSound(on) { try { localStorage.setItem("kefu-live-sound", on ? "on" : "off"); } catch (e) { } }
