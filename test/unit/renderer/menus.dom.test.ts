/**
 * The popup controls by keyboard, as WAI-ARIA's menu-button and select-only combobox patterns
 * describe them; the e2e keyboard test covers them again in the real window.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { nextTick } from 'vue';
import MenuButton from '../../../src-renderer/components/MenuButton.vue';
import HostPicker from '../../../src-renderer/components/HostPicker.vue';
import { movedIndex, typeAheadIndex } from '../../../src-renderer/components/list-nav.ts';

const mounted: VueWrapper[] = [];
afterEach(() => mounted.splice(0).forEach((w) => w.unmount()));

const ITEMS = [
  { id: 'a', label: '/etc/xen/alpha.hvm' },
  { id: 'b', label: '/etc/xen/beta.hvm' },
  { id: 'c', label: '/boot/grub/grub.conf' },
];

function mountMenu(items = ITEMS) {
  const w = mount(MenuButton, { props: { label: 'Recent', items, emptyText: 'No recent files' }, attachTo: document.body });
  mounted.push(w);
  return w;
}

describe('list movement', () => {
  it('wraps at both ends and jumps with Home and End', () => {
    expect(movedIndex('ArrowDown', 2, 3)).toBe(0);
    expect(movedIndex('ArrowUp', 0, 3)).toBe(2);
    expect(movedIndex('End', 0, 3)).toBe(2);
    expect(movedIndex('x', 0, 3)).toBeUndefined();
    expect(movedIndex('ArrowDown', 0, 0)).toBeUndefined();
  });

  it('finds the next label starting with a typed letter, after the current one', () => {
    expect(typeAheadIndex('b', 0, ['alpha', 'beta', 'boot'])).toBe(1);
    expect(typeAheadIndex('B', 1, ['alpha', 'beta', 'boot'])).toBe(2);
    expect(typeAheadIndex('z', 1, ['alpha', 'beta'])).toBeUndefined();
  });
});

describe('the menu button', () => {
  it('opens on Enter with focus on the first item, moves with the arrows, and Escape gives focus back', async () => {
    const w = mountMenu();
    const button = w.get('button');
    await button.trigger('keydown', { key: 'Enter' });
    expect(button.attributes('aria-expanded')).toBe('true');
    const items = w.findAll('[role=menuitem]');
    expect(document.activeElement).toBe(items[0].element);
    await w.get('[role=menu]').trigger('keydown', { key: 'ArrowUp' });
    expect(document.activeElement).toBe(items[2].element);
    await w.get('[role=menu]').trigger('keydown', { key: 'Escape' });
    expect(w.find('[role=menu]').exists()).toBe(false);
    expect(document.activeElement).toBe(button.element);
  });

  it('chooses the active item with Space and says which', async () => {
    const w = mountMenu();
    await w.get('button').trigger('keydown', { key: 'ArrowUp' });
    await w.get('[role=menu]').trigger('keydown', { key: ' ' });
    expect(w.emitted('select')).toEqual([['c']]);
  });

  it('shows a disabled item when there is nothing to choose', async () => {
    const w = mountMenu([]);
    await w.get('button').trigger('keydown', { key: 'ArrowDown' });
    const item = w.get('[role=menuitem]');
    expect(item.text()).toBe('No recent files');
    expect(item.attributes('aria-disabled')).toBe('true');
    await w.get('[role=menu]').trigger('keydown', { key: 'Enter' });
    expect(w.emitted('select')).toBeUndefined();
  });
});

describe('the host combobox', () => {
  const HOSTS = [
    { id: 'laptop-gm965-no-vtd', description: 'A 2007 Santa Rosa laptop — no VT-d. Every config byte is real.' },
    { id: 'seed-core2-q35', description: "The 2007 announcement's host: a Core 2 desktop. More notes." },
  ];

  it('lists each host with the first sentence of its description and keeps focus on itself', async () => {
    const w = mount(HostPicker, { props: { hosts: HOSTS, label: 'Host', modelValue: 'seed-core2-q35' }, attachTo: document.body });
    mounted.push(w);
    const combo = w.get('[role=combobox]');
    (combo.element as HTMLElement).focus();
    await combo.trigger('keydown', { key: 'ArrowDown' });
    await nextTick();
    expect(combo.attributes('aria-expanded')).toBe('true');
    const options = w.findAll('[role=option]');
    expect(options.map((o) => o.get('.desc').text())).toEqual(['A 2007 Santa Rosa laptop — no VT-d.', "The 2007 announcement's host: a Core 2 desktop."]);
    expect(combo.attributes('aria-activedescendant')).toBe(options[1].attributes('id'));
    await combo.trigger('keydown', { key: 'ArrowUp' });
    await combo.trigger('keydown', { key: 'Enter' });
    expect(w.emitted('update:modelValue')).toEqual([['laptop-gm965-no-vtd']]);
    expect(document.activeElement).toBe(combo.element);
  });
});
