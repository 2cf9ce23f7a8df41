// Tiny DOM helpers (no framework): h() builds an element, byId() finds one or fails loudly.

type Attrs = Record<string, string | boolean | number | ((ev: Event) => void) | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | undefined)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined) el.append(c);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** Runs an async action from a button: disables it meanwhile, reports errors in `out`. */
export async function busy(button: HTMLButtonElement | undefined, out: HTMLElement, f: () => Promise<void>): Promise<void> {
  if (button) button.disabled = true;
  out.classList.remove('error');
  try {
    await f();
  } catch (e) {
    out.classList.add('error');
    out.textContent = (e as Error).message;
  } finally {
    if (button) button.disabled = false;
  }
}
