// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core
// against the demo Home Assistant (scripts/develop): a user logs in through
// the login form, opens the curated dashboard and waits until its live views
// play, opens a camera's live view (its more-info dialog, from the default
// dashboard's card) and watches the <video> element play; optionally the
// README screenshots are taken on the way.
//
//   node scripts/browser/demo.mjs --url http://localhost:8123 --user dev \
//     --password ezviz-demo --entity camera.living_room \
//     [--dashboard dashboard-ezviz --live 6] \
//     [--bars '[[235,235,235],...]'] [--min-advance 3] [--shots docs/]
//
// Prints one JSON object per line ({"step": ...}); the last one is the result
// ({"result": "ok", ...} or {"result": "error", "error": ...}); exit code 0/1.
// Run through scripts/develop --browser-check / --screenshot (scripts/browser_run.py).

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    entity: { type: 'string' },
    dashboard: { type: 'string' },
    live: { type: 'string', default: '0' },
    bars: { type: 'string' },
    'min-advance': { type: 'string', default: '3' },
    shots: { type: 'string' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
for (const name of ['url', 'user', 'password', 'entity']) {
  if (!opts[name]) {
    console.error(`demo.mjs: --${name} is required`);
    process.exit(2);
  }
}
const MIN_ADVANCE = Number(opts['min-advance']);
const BARS = opts.bars ? JSON.parse(opts.bars) : null;
// Per RGB channel. The bars differ by ~220 in each channel; H.264 4:2:0 and the
// YUV->RGB round trip move them by up to ~35 here.
const BAR_TOLERANCE = 64;
const VIEWPORT = { width: 1440, height: 1100 };
const FIRST_FRAME_TIMEOUT = 60_000; // HA starts the stream worker on demand
// Real time, with room for a busy machine; a stall (a stream that ended) fails.
const PLAY_TIMEOUT = 10_000 + MIN_ADVANCE * 2_000;

// The flags this machine's Chromium needs (its background connections fail
// here); playwright adds --headless and a fresh --user-data-dir of its own.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--hide-scrollbars',
];

const emit = (obj) => console.log(JSON.stringify(obj));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Failure extends Error {}

async function logIn(page) {
  await page.goto(opts.url + '/');
  await page.locator('input[name=username]').fill(opts.user);
  await page.locator('input[name=password]').fill(opts.password);
  await page.getByRole('button', { name: /log in/i }).click();
  await page.waitForURL(/\/lovelace/, { timeout: 30_000 });
  // The URL changes before the frontend has traded the authorization code
  // for tokens and kept them ("Keep me logged in" is on by default); a page
  // opened before that would be back at the login form.
  await page.waitForFunction(() => localStorage.getItem('hassTokens') !== null, null, {
    timeout: 30_000,
  });
  emit({ step: 'logged in', url: new URL(page.url()).pathname });
}

// Counts the dashboard's cards through the shadow roots.
function countCards() {
  let n = 0;
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName;
      if (tag.startsWith('HUI-') && tag.endsWith('-CARD')) n++;
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return n;
}

async function dashboardDrawn(page) {
  await page.locator('hui-picture-entity-card').first().waitFor({ timeout: 60_000 });
  let previous = -1;
  for (let i = 0; i < 30; i++) {
    const cards = await page.evaluate(countCards);
    if (cards && cards === previous) return cards;
    previous = cards;
    await sleep(1000);
  }
  throw new Failure('the dashboard did not settle within 30 s');
}

// What the <video> element shows: playback state and, when asked, the colour
// bars of the simulator's test pattern read back from a drawn frame.
function videoState(video, bars) {
  const state = {
    time: video.currentTime,
    paused: video.paused,
    readyState: video.readyState,
    error: video.error ? `${video.error.code}: ${video.error.message}` : null,
    size: [video.videoWidth, video.videoHeight],
  };
  if (bars && video.videoWidth && video.readyState >= 2) {
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(video, 0, 0);
    const y = Math.floor((video.videoHeight * 7) / 8); // the bars fill the bottom quarter
    state.bars = bars.map((_, i) => {
      const x = Math.floor(((i + 0.5) * video.videoWidth) / bars.length);
      return Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
    });
  }
  return state;
}

function barsMatch(seen) {
  return (
    seen &&
    seen.every((rgb, i) => rgb.every((v, c) => Math.abs(v - BARS[i][c]) <= BAR_TOLERANCE))
  );
}

// What the page shows: its path and which of the frontend's elements are
// there (through the shadow roots), for a failure's report.
async function describePage(page) {
  const shown = await page.evaluate(() => {
    const found = new Set();
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        const tag = el.tagName.toLowerCase();
        if (/^(ha|hui|hass)-/.test(tag)) found.add(tag);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return [...found].sort();
  });
  return { path: new URL(page.url()).pathname, elements: shown.slice(0, 60) };
}

// Open a dashboard and wait for its view; say what the page shows if it
// does not come.
async function openView(page, url) {
  await page.goto(url);
  try {
    await page.locator('hui-sections-view, hui-masonry-view').first().waitFor({ timeout: 60_000 });
  } catch (err) {
    emit({ step: 'view not drawn', page: await describePage(page) });
    throw err;
  }
}

// The curated dashboard (config/ezviz-dashboard.yaml): no card may show an
// error or a missing entity, its live views must play and its pictures load.
async function curatedDashboard(page, shots) {
  const live = Number(opts.live);
  await openView(page, `${opts.url}/${opts.dashboard}`);
  const opened = Date.now();
  let state;
  while (true) {
    state = await page.evaluate(() => {
      const found = { errors: [], videos: [], images: [] };
      const walk = (root) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.tagName === 'HUI-ERROR-CARD' || el.tagName === 'HUI-WARNING') {
            found.errors.push((el.shadowRoot?.textContent || el.textContent || el.tagName).trim());
          } else if (el.tagName === 'VIDEO') {
            found.videos.push(el.readyState >= 2 && el.currentTime > 0 && !el.paused);
          } else if (el.tagName === 'HUI-IMAGE' && el.shadowRoot) {
            for (const img of el.shadowRoot.querySelectorAll('img')) {
              found.images.push(img.complete && img.naturalWidth > 0);
            }
          }
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(document);
      return found;
    });
    if (state.errors.length) {
      throw new Failure(`the dashboard ${opts.dashboard} shows errors: ${state.errors.join('; ')}`);
    }
    const playing = state.videos.filter(Boolean).length;
    if (playing >= live && state.images.every(Boolean)) break;
    if (Date.now() - opened > FIRST_FRAME_TIMEOUT) {
      throw new Failure(
        `the dashboard ${opts.dashboard}: ${playing} of ${live} live views play, ` +
          `${state.images.filter(Boolean).length} of ${state.images.length} pictures loaded ` +
          `after ${FIRST_FRAME_TIMEOUT / 1000} s`,
      );
    }
    await sleep(500);
  }
  const result = {
    step: 'dashboard',
    dashboard: opts.dashboard,
    playing: state.videos.filter(Boolean).length,
    pictures: state.images.length,
    after_s: (Date.now() - opened) / 1000,
  };
  if (shots) {
    // The whole dashboard in one picture: the window as tall as the page.
    const height = await page.evaluate(() => document.scrollingElement.scrollHeight);
    await page.setViewportSize({ width: VIEWPORT.width, height });
    await page.mouse.move(VIEWPORT.width - 1, 1); // no hover highlight
    await sleep(2000); // the layout at the new height; icons
    const path = join(shots, 'dashboard.png');
    await page.screenshot({ path });
    await page.setViewportSize(VIEWPORT);
    result.path = path;
  }
  emit(result);
}

async function friendlyName(page) {
  const name = await page.evaluate(
    (id) => document.querySelector('home-assistant').hass.states[id]?.attributes.friendly_name,
    opts.entity,
  );
  if (!name) throw new Failure(`${opts.entity} has no state in Home Assistant`);
  return name;
}

async function openLiveView(page, name) {
  // The camera's dashboard card; a tap opens its more-info dialog (the live view).
  const card = page.locator('hui-picture-entity-card', { hasText: name });
  if ((await card.count()) !== 1) {
    throw new Failure(`${await card.count()} dashboard cards show ${name}`);
  }
  await card.click();
  emit({ step: 'opened the live view', entity: opts.entity, name });
  const video = page.locator('ha-more-info-dialog video');
  await video.waitFor({ state: 'attached', timeout: FIRST_FRAME_TIMEOUT });
  return video;
}

async function dialogError(page) {
  const alerts = page.locator('ha-more-info-dialog ha-alert[alert-type=error]');
  return (await alerts.count()) ? (await alerts.first().innerText()).trim() : null;
}

// Waits for the first frame, then until currentTime has advanced MIN_ADVANCE s.
async function watch(page, video) {
  const opened = Date.now();
  let state = await video.evaluate(videoState, null);
  while (!(state.time > 0 && state.readyState >= 2 && !state.paused)) {
    if (state.error) throw new Failure(`the video failed: ${state.error}`);
    const alert = await dialogError(page);
    if (alert) throw new Failure(`the live view shows an error: ${alert}`);
    if (Date.now() - opened > FIRST_FRAME_TIMEOUT) {
      throw new Failure(`no frame within ${FIRST_FRAME_TIMEOUT / 1000} s: ${JSON.stringify(state)}`);
    }
    await sleep(200);
    state = await video.evaluate(videoState, null);
  }
  const first = state;
  const started = Date.now();
  emit({ step: 'playing', after_s: (started - opened) / 1000, currentTime: first.time, size: first.size });
  let bars = null;
  while (true) {
    await sleep(250);
    state = await video.evaluate(videoState, BARS && !barsMatch(bars) ? BARS : null);
    if (state.bars) bars = state.bars;
    if (state.error) throw new Failure(`the video failed while playing: ${state.error}`);
    const alert = await dialogError(page);
    if (alert) throw new Failure(`the live view shows an error: ${alert}`);
    const advance = state.time - first.time;
    if (advance >= MIN_ADVANCE && (!BARS || barsMatch(bars))) {
      return {
        advance_s: Number(advance.toFixed(3)),
        wall_s: (Date.now() - started) / 1000,
        first_frame_s: (started - opened) / 1000,
        size: state.size,
        bars,
      };
    }
    if (Date.now() - started > PLAY_TIMEOUT) {
      throw new Failure(
        advance < MIN_ADVANCE
          ? `currentTime advanced ${advance.toFixed(3)} s in ${PLAY_TIMEOUT / 1000} s (want ${MIN_ADVANCE} s)`
          : `the frames do not show the test pattern's colour bars: ${JSON.stringify(bars)}`,
      );
    }
  }
}

async function recordings(page, name, shots) {
  // Media -> EZVIZ -> the camera -> its first storage -> the newest day.
  await page.goto(opts.url + '/media-browser/browser');
  const items = page.locator('ha-media-player-browse .child, ha-media-player-browse ha-list-item');
  for (const pick of ['EZVIZ', name, null, null]) {
    await items.first().waitFor({ timeout: 30_000 });
    const item = pick
      ? items.filter({ has: page.getByText(pick, { exact: true }) }).first()
      : items.first();
    const before = page.url();
    await item.click();
    await page.waitForURL((url) => url.href !== before, { timeout: 30_000 });
  }
  await items.first().waitFor({ timeout: 30_000 });
  await page.setViewportSize({ width: VIEWPORT.width, height: 640 }); // two rows of clips
  await page.mouse.move(VIEWPORT.width - 1, 1); // no hover highlight
  await sleep(1000);
  const clips = await items.count();
  if (!clips) throw new Failure('the recordings browser lists no clip');
  const path = join(shots, 'recordings.png');
  await page.screenshot({ path });
  emit({ step: 'screenshot', path, clips });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: FLAGS,
  });
  try {
    // No service worker: Home Assistant's reloads the page when it takes control.
    const context = await browser.newContext({
      viewport: VIEWPORT,
      colorScheme: 'light',
      serviceWorkers: 'block',
    });
    const page = await context.newPage();
    // Reported, not judged: blocking the service worker makes the frontend's
    // registration code throw ("reading 'addEventListener'").
    page.on('pageerror', (err) => emit({ step: 'page error', error: String(err) }));
    await logIn(page);
    if (opts.shots) mkdirSync(opts.shots, { recursive: true });
    if (opts.dashboard) {
      await curatedDashboard(page, opts.shots);
      await page.goto(opts.url + '/lovelace/0');
    }
    const cards = await dashboardDrawn(page);
    emit({ step: 'default dashboard', cards });
    const name = await friendlyName(page);
    const video = await openLiveView(page, name);
    const played = await watch(page, video);
    emit({ step: 'watched', ...played });
    if (opts.shots) {
      const path = join(opts.shots, 'live-view.png');
      await page.screenshot({ path });
      emit({ step: 'screenshot', path });
      await page.keyboard.press('Escape');
      await recordings(page, name, opts.shots);
    }
    emit({ result: 'ok', entity: opts.entity, ...played });
  } finally {
    await browser.close();
  }
}

try {
  await main();
} catch (err) {
  emit({ result: 'error', error: err instanceof Failure ? err.message : String(err.stack || err) });
  process.exitCode = 1;
}
