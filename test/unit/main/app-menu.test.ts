// The application menu leaves the editor's keys to the editor: Ctrl+M above all (Electron's
// default menu binds it to Minimize, so Tab-moves-focus would never reach the page).
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { appMenuTemplate, RENDERER_KEYS } from '../../../src-main/app-menu.ts';

/** Electron's default accelerators for the roles we use (from its menu-item-roles table). */
const ROLE_KEYS: Record<string, string> = { minimize: 'CmdOrCtrl+M', close: 'CmdOrCtrl+W', quit: 'Ctrl+Q', undo: 'CmdOrCtrl+Z', redo: 'Shift+CmdOrCtrl+Z', cut: 'CmdOrCtrl+X', copy: 'CmdOrCtrl+C', paste: 'CmdOrCtrl+V', selectAll: 'CmdOrCtrl+A', reload: 'CmdOrCtrl+R', toggleDevTools: 'Ctrl+Shift+I', resetZoom: 'CmdOrCtrl+0', zoomIn: 'CmdOrCtrl+Plus', zoomOut: 'CmdOrCtrl+-', togglefullscreen: 'F11' };

function keys(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [
    ...(typeof i.accelerator === 'string' ? [i.accelerator] : i.role && ROLE_KEYS[i.role] ? [ROLE_KEYS[i.role]] : []),
    ...(Array.isArray(i.submenu) ? keys(i.submenu) : []),
  ]);
}

describe('the application menu', () => {
  it.each(['linux', 'win32'] as const)('takes none of the renderer keys on %s, yet can still minimize', (platform) => {
    const menu = appMenuTemplate(platform);
    expect(keys(menu).filter((k) => RENDERER_KEYS.includes(k))).toEqual([]);
    const minimize = menu.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : [])).find((i) => i.label === 'Minimize');
    let minimized = false;
    minimize?.click?.({} as never, { minimize: () => (minimized = true) } as never, {} as never);
    expect(minimized).toBe(true);
  });

  it('keeps the standard macOS menus, where Cmd+M is the platform’s own', () => {
    const roles = appMenuTemplate('darwin').map((m) => m.role ?? m.label);
    expect(roles).toEqual(['appMenu', '&File', '&Edit', '&View', '&Window']);
  });
});
