// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();

// Letter generation progress (A10): poll the JSON API and move the bar; reload once the files are ready.
for (const el of document.querySelectorAll('[data-progress-url]')) {
  const bar = el.querySelector('.app-progress__bar');
  const text = el.querySelector('[data-progress-text]');
  const poll = async () => {
    const res = await fetch(el.dataset.progressUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (!res.ok) return;
    const p = await res.json();
    // Letters answer { status, done, total, percent }; teachers' PDF jobs { job: { phase, done, total }, percent }.
    const status = p.status ?? p.job?.phase;
    const done = p.done ?? p.job?.done;
    const total = p.total ?? p.job?.total;
    bar.style.width = `${p.percent}%`;
    el.querySelector('[role=progressbar]').setAttribute('aria-valuenow', String(p.percent));
    text.textContent = `${done} of ${total} made (${p.percent}%)${p.secondsLeft != null ? `, about ${Math.ceil(p.secondsLeft)} seconds left` : ''}.`;
    if (['done', 'idle', 'cancelled', 'completed', 'failed'].includes(status)) {
      window.location.reload();
      return;
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}

// The 24-hour amendment window (C20): count down to the instant in data-countdown-until.
for (const el of document.querySelectorAll('[data-countdown-until]')) {
  const until = Date.parse(el.dataset.countdownUntil);
  const tick = () => {
    const left = Math.max(0, until - Date.now());
    const h = Math.floor(left / 3600000);
    const m = Math.floor((left % 3600000) / 60000);
    const s = Math.floor((left % 60000) / 1000);
    el.textContent = left > 0 ? `${h} hours ${m} minutes ${s} seconds left` : 'The free amendment window has closed.';
    if (left > 0) setTimeout(tick, 1000);
  };
  tick();
}
