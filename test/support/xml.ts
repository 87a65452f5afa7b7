// A strict little XML reader for checking generated documents (report.svg): elements,
// attributes, text, the five predefined entities, comments and the XML declaration. Anything
// malformed (unclosed or mismatched tags, unquoted or repeated attributes, a bare `&` or `<`)
// throws, so "parses" means well-formed.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (entities decoded), not its children's. */
  text: string;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  if (/<|&(?!(lt|gt|amp|quot|apos|#\d+);)/.test(s)) throw new Error(`bad character data near offset ${at}`);
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+);/g, (_, e: string) =>
    e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!,
  );
}

const NAME = "[A-Za-z_][\\w.:-]*";

export function parseXml(doc: string): XmlElement {
  let i = 0;
  /** Matches a sticky (`y`) pattern at i and moves past it. */
  const skip = (re: RegExp) => {
    re.lastIndex = i;
    const m = re.exec(doc);
    if (m) i = re.lastIndex;
    return m;
  };
  skip(/<\?xml[^?]*\?>/y);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < doc.length) {
    const lt = doc.indexOf("<", i);
    const chunk = doc.slice(i, lt < 0 ? doc.length : lt);
    const top = stack[stack.length - 1];
    if (top) top.text += decode(chunk, i);
    else if (chunk.trim() !== "") throw new Error(`text outside the root element at offset ${i}`);
    if (lt < 0) break;
    i = lt;
    if (skip(/<!--[\s\S]*?-->/y)) continue;
    const close = skip(new RegExp(`</(${NAME})\\s*>`, "y"));
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1]) throw new Error(`</${close[1]}> does not close <${open?.name}>`);
      continue;
    }
    const start = skip(new RegExp(`<(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"<]*")*)\\s*(/?)>`, "y"));
    if (!start) throw new Error(`malformed markup at offset ${i}: ${doc.slice(i, i + 40)}`);
    if (!top && root) throw new Error("a second root element");
    const attrs: Record<string, string> = {};
    for (const m of start[2]!.matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"<]*)"`, "g"))) {
      if (m[1]! in attrs) throw new Error(`attribute ${m[1]} repeated on <${start[1]}>`);
      attrs[m[1]!] = decode(m[2]!, i);
    }
    const el: XmlElement = { name: start[1]!, attrs, children: [], text: "" };
    if (top) top.children.push(el);
    else root = el;
    if (start[3] !== "/") stack.push(el);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error("no root element");
  return root;
}

/** Every element under (and including) `el`, depth first. */
export function allElements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(allElements)];
}
