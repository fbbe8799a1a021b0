/**
 * The one Monaco import for the app: the editor API plus only the features our two languages
 * use. The bare `monaco-editor` entry would pull in every language and the TypeScript/CSS/HTML
 * workers (several MB each); we need none of them, only the core editor worker.
 *
 * Monaco 0.57's `features/suggest/register` loads only the inline-completions bridge, not the
 * suggest widget itself: `editor.main` imports `suggestController` separately, so we do too
 * (without it Ctrl+Space and trigger characters open nothing). Completion items are snippets
 * (`name = ${1:…}`), which need the snippet controller.
 */
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/suggest/register';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/toggleTabFocusMode/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/codeAction/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/cursorUndo/register';
import './editor-widgets.css';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

// Set before the first editor is created; every label maps to the core editor worker.
self.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

export * from 'monaco-editor/editor/editor.api';
