// The example portal: listens to both embedding modes and lists what it receives.
const log = document.getElementById('event-log');
const frame = document.getElementById('frame');
const kaopingOrigin = location.origin; // where kaoping is served; a real portal writes it here

frame.src = `embed.html?instrument=cadre&lang=zh-CN&origin=${encodeURIComponent(location.origin)}`;

function note(text) {
  const li = document.createElement('li');
  li.textContent = text;
  log.append(li);
}

document.addEventListener('kaoping-submit', (e) => {
  note(`kaoping-submit（自定义元素）：${e.detail.instrument}，校验码 ${e.detail.checksum}`);
});

window.addEventListener('message', (e) => {
  if (e.origin !== kaopingOrigin || e.source !== frame.contentWindow) return;
  const msg = e.data || {};
  if (msg.type === 'kaoping-resize') frame.style.height = `${Math.min(msg.height + 20, 4000)}px`;
  if (msg.type === 'kaoping-submit') note(`kaoping-submit（iframe）：${msg.record.instrument}，校验码 ${msg.record.checksum}`);
});
