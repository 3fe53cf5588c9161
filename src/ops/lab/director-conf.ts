// Per-director configs for the lab: the operator's config, plus only what the lab needs and says
// it adds — the floating DIP when the config has none (as a sync-group member, so VIP and DIP move
// together, as in the LVS-NAT how-to), a tracked health file the drill can fail, and an optional
// shorter advert interval for quick drills.
import { parseConfTree } from './conf-tree.js';
import type { LabConfig } from './lab-config.js';
import type { LabPlan } from './plan.js';

export const LAB_TRACK_SCRIPT = 'lab_drill_health';

export interface DirectorConfOptions {
  /** The file whose existence the tracked script tests; the drill removes it for script-fail. */
  healthFile: string;
  /** Replaces every instance's advert_int (a fraction switches to VRRPv3, which allows it). */
  advertInt?: number;
}

export interface DirectorConf { text: string; added: string[] }

function insertAfter(lines: string[], inserts: Map<number, string[]>): string[] {
  const out: string[] = [];
  lines.forEach((l, i) => {
    out.push(l);
    const add = inserts.get(i + 1);
    if (add) out.push(...add);
  });
  return out;
}

export function renderDirectorConf(cfg: LabConfig, plan: LabPlan, opts: DirectorConfOptions): DirectorConf {
  const tree = parseConfTree(cfg.text, cfg.file);
  let lines = cfg.text.split('\n');
  const inserts = new Map<number, string[]>();
  const add = (line: number, l: string[]): void => { inserts.set(line, [...(inserts.get(line) ?? []), ...l]); };
  const added: string[] = [];

  for (const inst of tree.filter((n) => n.keyword === 'vrrp_instance')) {
    add(inst.line, [`    track_script {`, `        ${LAB_TRACK_SCRIPT}`, `    }`]);
  }
  added.push(`vrrp_script ${LAB_TRACK_SCRIPT} tracking ${opts.healthFile} on every instance`);

  const dip = plan.addedDip;
  if (dip) {
    const groups = tree.filter((n) => n.keyword === 'vrrp_sync_group');
    const g = groups[0]?.children.find((c) => c.keyword === 'group');
    if (g) add(g.line, [`        ${dip.instance}`]);
    added.push(`vrrp_instance ${dip.instance} (vrid ${dip.vrid}) with the DIP ${dip.address}/${dip.prefix} on ${dip.ifname}`);
  }

  if (opts.advertInt !== undefined) {
    const v3 = !Number.isInteger(opts.advertInt);
    lines = lines.map((l) => l.replace(/^(\s*)advert_int\s+\S+/, `$1advert_int ${opts.advertInt}`));
    if (v3) {
      const gd = tree.find((n) => n.keyword === 'global_defs');
      if (gd) add(gd.line, ['    vrrp_version 3']);
      else lines.unshift('global_defs {', '    vrrp_version 3', '}');
      added.push('vrrp_version 3 (for a fractional advert_int)');
    }
    added.push(`advert_int ${opts.advertInt} on every instance`);
  }

  // keepalived resolves track_script names while parsing, so the script must come first.
  lines.unshift(
    '! --- added by ka-ts lab: a tracked health file the drill can remove ---',
    `vrrp_script ${LAB_TRACK_SCRIPT} {`,
    `    script "/usr/bin/test -e ${opts.healthFile}"`,
    '    interval 1',
    '    fall 1',
    '    rise 1',
    '}',
  );
  // Line numbers above refer to the original text; a prepended global_defs shifts them.
  const shift = lines.length - cfg.text.split('\n').length;
  const shifted = new Map([...inserts].map(([k, v]) => [k + shift, v]));
  const body = insertAfter(lines, shifted);
  const tail: string[] = [
    '',
    '! --- added by ka-ts lab ---',
  ];
  if (dip) {
    const adv = opts.advertInt ?? (tree.find((n) => n.keyword === 'vrrp_instance')?.children.find((c) => c.keyword === 'advert_int')?.args[0] ?? '1');
    tail.push(
      `vrrp_instance ${dip.instance} {`,
      '    state BACKUP',
      `    interface ${dip.ifname}`,
      `    virtual_router_id ${dip.vrid}`,
      '    priority 100',
      `    advert_int ${adv}`,
      '    track_script {',
      `        ${LAB_TRACK_SCRIPT}`,
      '    }',
      '    virtual_ipaddress {',
      `        ${dip.address}/${dip.prefix} dev ${dip.ifname}`,
      '    }',
      '}',
    );
    if (!tree.some((n) => n.keyword === 'vrrp_sync_group')) {
      const members = [...cfg.instances.map((i) => i.name), dip.instance];
      tail.push('vrrp_sync_group LAB_SYNC {', '    group {', ...members.map((m) => `        ${m}`), '    }', '}');
      added.push(`vrrp_sync_group LAB_SYNC (${members.join(', ')})`);
    }
  }
  return { text: [...body, ...tail, ''].join('\n'), added };
}
