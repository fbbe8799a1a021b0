/**
 * The application menu. Electron's default menu gives Ctrl+M to Window › Minimize, which would
 * swallow the editor's Ctrl+M (Tab moves focus, as in VS Code) before the page sees it; this menu
 * keeps the usual roles and leaves every key the renderer binds to the renderer: Minimize has no
 * accelerator on Linux and Windows (macOS keeps Cmd+M, where the editor's toggle is Ctrl+M).
 */
import type { MenuItemConstructorOptions } from 'electron';

/** Keys the renderer handles itself; no menu item may take them. */
export const RENDERER_KEYS = ['CmdOrCtrl+M', 'Ctrl+M', 'Alt+F1', 'Ctrl+1', 'Ctrl+2', 'Ctrl+3', 'Ctrl+4', 'CmdOrCtrl+S', 'CmdOrCtrl+O'];

export function appMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const minimize: MenuItemConstructorOptions = mac
    ? { role: 'minimize' }
    : { label: 'Minimize', click: (_item, win) => win?.minimize() };
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { label: '&File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: '&Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: '&View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { label: '&Window', submenu: [minimize, ...(mac ? [{ role: 'zoom' } as MenuItemConstructorOptions, { role: 'front' } as MenuItemConstructorOptions] : [])] },
  ];
}
