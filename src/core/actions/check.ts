/** The table checks itself: every template names only its row's slots, every row is served once per version. */
import { SLOT_PARAMS } from './params.js';
import type { ActionRow, SlotName } from './types.js';

export function checkTable(rows: readonly ActionRow[]): void {
  const seen = new Set<string>();
  for (const row of rows) {
    for (const version of row.versions) {
      const key = `${version}/${row.action}`;
      if (seen.has(key)) throw new Error(`action table: ${key} has two rows`);
      seen.add(key);
    }
    if (row.authorizedBy !== 'table') continue;
    if (row.resources.length === 0) throw new Error(`action table: ${row.action} authorizes no resource`);
    for (const template of row.resources) {
      if (!template.startsWith('acs:ram::{#accountId}:'))
        throw new Error(
          `action table: ${row.action}: ${template} is not a RAM resource of the caller's account`,
        );
      for (const [, name] of template.matchAll(/\{#([A-Za-z]+)\}/g)) {
        if (name === 'accountId') continue;
        if (!((name as string) in SLOT_PARAMS) || row.slots[name as SlotName] === undefined)
          throw new Error(`action table: ${row.action}: ${template} names {#${name}}, not a slot of the row`);
      }
    }
    for (const slot of Object.keys(row.slots))
      if (!row.resources.some((t) => t.includes(`{#${slot}}`)) && row.slots[slot as SlotName] !== 'new')
        throw new Error(`action table: ${row.action}: the slot ${slot} is authorized on no resource`);
  }
}
