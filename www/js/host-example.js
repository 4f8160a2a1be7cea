// The example portal: listens to both embedding modes and lists what it receives
// (docs/embed.md has every event and its detail).
const log = document.getElementById('event-log');
const frame = document.getElementById('frame');
const kaopingOrigin = location.origin; // where kaoping is served; a real portal writes it here

frame.src = `embed.html?instrument=cadre&lang=zh-CN&origin=${encodeURIComponent(location.origin)}`;

function note(text) {
  const li = document.createElement('li');
  li.textContent = text;
  log.append(li);
}

/** One line for an event the portal lists (changes and progress are left out: too many). */
function describe(type, detail) {
  if (type === 'kaoping-submit') return `${detail.instrument}，校验码 ${detail.checksum}`;
  if (type === 'kaoping-invalid') return `${detail.issues.length} 处问题（${detail.source}）`;
  if (/delivered|queued|failed/.test(type)) return `校验码 ${detail.checksum.slice(0, 12)}…${detail.reason ? `，${JSON.stringify(detail.reason)}` : ''}`;
  return null;
}

for (const type of ['kaoping-submit', 'kaoping-invalid', 'kaoping-delivered', 'kaoping-queued', 'kaoping-failed']) {
  document.addEventListener(type, (e) => note(`${type}（自定义元素）：${describe(type, e.detail)}`));
}

window.addEventListener('message', (e) => {
  if (e.origin !== kaopingOrigin || e.source !== frame.contentWindow) return;
  const msg = e.data || {};
  if (msg.type === 'kaoping-resize') frame.style.height = `${Math.min(msg.height + 20, 4000)}px`;
  const line = msg.detail && describe(msg.type, msg.detail);
  if (line) note(`${msg.type}（iframe）：${line}`);
});
