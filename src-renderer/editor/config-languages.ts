/**
 * Monaco language definitions for the three config files: `xen-hvmconf` (hvm.conf, Python run
 * by xm), `xen-xlcfg` (xl.cfg) and `grub-legacy` / `grub2` (grub.conf, menu.lst / grub.cfg).
 * Tokens (Monarch), comments and brackets only; the language services live in
 * src-shared/config and are wired by config-providers.ts and config-diagnostics.ts.
 *
 * Use: `registerConfigLanguages(monaco)` once, before creating models; it also registers the
 * providers (completion, hover, quick fixes, formatting). Idempotent.
 */
import type * as monaco from './monaco.ts';
import { XL_OPTIONS, XM_OPTIONS } from '../../src-shared/config/hvm-options.ts';
import { registerConfigProviders } from './config-providers.ts';
import { LANGUAGE_IDS } from './config-state.ts';

export { LANGUAGE_IDS, kindOfLanguage, languageForFile } from './config-state.ts';

type Monaco = typeof monaco;

const registered = new WeakSet<object>();

/**
 * Words as Monaco's default, plus PCI addresses whole (also half-typed: `00:`, `00:1f.`), so a
 * double-click selects `02:00.0` and the completion list keeps filtering while an address is
 * typed (Monaco stops updating the list when a new word starts with a digit inside a string).
 */
const BDF_OR_WORD = /(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{1,2}:(?:[0-9a-fA-F]{1,2}(?:\.[0-9a-fA-F]?)?)?|-?\d*\.\d\w*|[^`~!@#$%^&*()\-=+[{\]}\\|;:'",.<>/?\s]+/g;

export function registerConfigLanguages(m: Monaco): void {
  if (registered.has(m)) return;
  registered.add(m);
  m.languages.register({ id: LANGUAGE_IDS.hvm, extensions: ['.hvm'], filenames: ['hvm.conf'], filenamePatterns: ['xmexample*', '*.hvm.conf'], aliases: ['hvm.conf (xm)', 'xm config'] });
  m.languages.register({ id: LANGUAGE_IDS.xl, extensions: ['.xl', '.cfg'], filenames: ['xl.cfg'], filenamePatterns: ['xlexample*'], aliases: ['xl.cfg'] });
  m.languages.register({ id: LANGUAGE_IDS.grubLegacy, filenames: ['grub.conf', 'menu.lst'], aliases: ['grub.conf (GRUB legacy)'] });
  m.languages.register({ id: LANGUAGE_IDS.grub2, filenames: ['grub.cfg'], aliases: ['grub.cfg (GRUB 2)'] });

  const pyConfig: monaco.languages.LanguageConfiguration = {
    comments: { lineComment: '#' },
    wordPattern: BDF_OR_WORD,
    brackets: [['[', ']'], ['(', ')'], ['{', '}']],
    autoClosingPairs: [
      { open: '[', close: ']' },
      { open: '(', close: ')' },
      { open: '{', close: '}' },
      { open: "'", close: "'", notIn: ['string', 'comment'] },
      { open: '"', close: '"', notIn: ['string', 'comment'] },
    ],
    surroundingPairs: [
      { open: '[', close: ']' },
      { open: '(', close: ')' },
      { open: "'", close: "'" },
      { open: '"', close: '"' },
    ],
  };
  m.languages.setLanguageConfiguration(LANGUAGE_IDS.hvm, pyConfig);
  m.languages.setLanguageConfiguration(LANGUAGE_IDS.xl, pyConfig);
  const grubConfig: monaco.languages.LanguageConfiguration = { comments: { lineComment: '#' }, wordPattern: BDF_OR_WORD, brackets: [['{', '}'], ['(', ')']], autoClosingPairs: [{ open: '(', close: ')' }, { open: '{', close: '}' }, { open: "'", close: "'" }, { open: '"', close: '"' }] };
  m.languages.setLanguageConfiguration(LANGUAGE_IDS.grubLegacy, grubConfig);
  m.languages.setLanguageConfiguration(LANGUAGE_IDS.grub2, grubConfig);

  m.languages.setMonarchTokensProvider(LANGUAGE_IDS.hvm, hvmTokens(XM_OPTIONS.map((o) => o.name)));
  m.languages.setMonarchTokensProvider(LANGUAGE_IDS.xl, xlTokens(XL_OPTIONS.map((o) => o.name)));
  m.languages.setMonarchTokensProvider(LANGUAGE_IDS.grubLegacy, grubTokens());
  m.languages.setMonarchTokensProvider(LANGUAGE_IDS.grub2, grubTokens());
  registerConfigProviders(m);
}

/** Python 2 tokens, with xm's option names as their own class (`variable.predefined`). */
function hvmTokens(options: string[]): monaco.languages.IMonarchLanguage {
  return {
    defaultToken: '',
    tokenPostfix: '.hvmconf',
    keywords: ['and', 'as', 'assert', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'exec', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'not', 'or', 'pass', 'print', 'raise', 'return', 'try', 'while', 'with', 'yield', 'None', 'True', 'False'],
    options,
    brackets: [
      { open: '[', close: ']', token: 'delimiter.bracket' },
      { open: '(', close: ')', token: 'delimiter.parenthesis' },
      { open: '{', close: '}', token: 'delimiter.curly' },
    ],
    tokenizer: {
      root: [
        [/#.*$/, 'comment'],
        [/[a-zA-Z_]\w*/, { cases: { '@keywords': 'keyword', '@options': 'variable.predefined', '@default': 'identifier' } }],
        [/[uUbB]?[rR]?'''/, 'string', '@tripleSingle'],
        [/[uUbB]?[rR]?"""/, 'string', '@tripleDouble'],
        [/[uUbB]?[rR]?'/, 'string', '@single'],
        [/[uUbB]?[rR]?"/, 'string', '@double'],
        [/0[xX][0-9a-fA-F]+[lL]?|\d+\.\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|\d+[lL]?/, 'number'],
        [/[[\](){}]/, '@brackets'],
        [/[-+*/%=<>!&|^~,:.;]+/, 'operator'],
        [/\\$/, 'operator'],
      ],
      single: [[/[^\\']+/, 'string'], [/\\./, 'string.escape'], [/'/, 'string', '@pop']],
      double: [[/[^\\"]+/, 'string'], [/\\./, 'string.escape'], [/"/, 'string', '@pop']],
      tripleSingle: [[/[^\\']+/, 'string'], [/\\./, 'string.escape'], [/'''/, 'string', '@pop'], [/'/, 'string']],
      tripleDouble: [[/[^\\"]+/, 'string'], [/\\./, 'string.escape'], [/"""/, 'string', '@pop'], [/"/, 'string']],
    },
  };
}

function xlTokens(options: string[]): monaco.languages.IMonarchLanguage {
  return {
    defaultToken: 'invalid',
    tokenPostfix: '.xlcfg',
    options,
    tokenizer: {
      root: [
        [/#.*$/, 'comment'],
        [/[a-z][_0-9a-z]*/, { cases: { '@options': 'variable.predefined', '@default': 'identifier' } }],
        [/[0-9][0-9a-fx]*/, 'number'],
        [/'([^'\\\n]|\\.)*'/, 'string'],
        [/"([^"\\\n]|\\.)*"/, 'string'],
        [/\+?=|[,;]/, 'operator'],
        [/[[\]]/, '@brackets'],
        [/[ \t\r\n]+/, 'white'],
      ],
    },
  };
}

/** GRUB: directive keywords, `(hd0,0)` devices, and `key=value` words on kernel/module lines. */
function grubTokens(): monaco.languages.IMonarchLanguage {
  return {
    defaultToken: '',
    tokenPostfix: '.grub',
    directives: ['default', 'timeout', 'fallback', 'hiddenmenu', 'splashimage', 'password', 'color', 'serial', 'terminal', 'title', 'root', 'rootnoverify', 'kernel', 'module', 'modulenounzip', 'initrd', 'chainloader', 'savedefault', 'boot', 'menuentry', 'submenu', 'multiboot', 'multiboot2', 'module2', 'insmod', 'set', 'search', 'linux', 'linux16', 'initrd16', 'echo', 'if', 'then', 'else', 'fi', 'load_video'],
    tokenizer: {
      root: [
        [/^\s*#.*$/, 'comment'],
        [/^(\s*)(title)(\s.*)?$/, ['white', 'keyword', 'string']],
        [/^\s*[\w-]+/, { cases: { '@directives': 'keyword', '@default': 'identifier' } }],
        [/\((hd|fd|cd)\d+(,\d+)?\)/, 'type'],
        [/(?:xen-)?pciback\.hid\b(?!e)/, 'invalid'],
        [/[\w.-]+(?==)/, 'attribute.name'],
        [/=/, 'delimiter'],
        [/'[^']*'|"([^"\\]|\\.)*"/, 'string'],
        [/\([0-9a-fA-F:.]+\)/, 'number.hex'],
        [/\/[^\s]*/, 'string.path'],
        [/[{}]/, '@brackets'],
        [/#.*$/, 'comment'],
      ],
    },
  };
}
