// The simulated mm core as the last rule: whatever the core refuses that no specific rule explained.

import type { JsonPath } from '../../config/types';
import type { Rule, RuleFinding } from '../types';
import { overlappingRamRanges } from './cross';
import { isolate } from '../../core/init/calibration';
import { buildInitWorkload, normalizeMachine } from '../../core/init/index';

/** The config object a path is about: devices[i], hotplug[i], hugetlb[i], nodes[i].ranges[j], kernel. */
export function objectKey(path: JsonPath): string {
  if (path[0] === 'nodes' && path[2] === 'ranges') return path.slice(0, 4).join('/');
  if (path[0] === 'devices' || path[0] === 'hotplug' || path[0] === 'hugetlb' || path[0] === 'nodes') return path.slice(0, 2).join('/');
  return String(path[0] ?? '');
}

export const kernelFailure: Rule = {
  id: 'MM037',
  slug: 'kernel-failure',
  severity: 'error',
  area: 'simulation',
  title: 'The simulated kernel refuses or ignores part of the config',
  reference: '§2-§8 (simulation)',
  kernelCitation: 'src/core (simulateMemmap): the mm paths of §2-§8',
  kernelText: [],
  appliesTo: {},
  runsLast: true,
  doc: [
    'Every config is also run through the simulated mm core (`simulateMemmap`). A failure or warning of the core that none of',
    'the specific rules above explains is reported here with the core\'s own explanation and, when the kernel prints one, its',
    'message — so that `check` never calls a config clean that the simulation rejects. Among them: a device or hot-add whose',
    'memmap in RAM does not fit in the System RAM left when it probes (boot RAM and earlier hot-added memory, less the boot',
    'memmaps, page tables, boot HugeTLB pools and earlier memmaps: the RAM budget of [cli-json.md](cli-json.md#the-ram-budget)):',
    '`vmemmap_alloc_block()` fails and the probe or `add_memory()` fails with -ENOMEM.',
    '',
    '**Fix:** see the message; the specific rules usually catch the cause first.',
  ].join('\n'),
  check(ctx) {
    const out: RuleFinding[] = [];
    // MM035 reports an overlap of two boot RAM ranges at the later one; the core reports it at the earlier one.
    const ramOverlap = new Set(ctx.prior.some((f) => f.rule === 'MM035') ? overlappingRamRanges(ctx).map(objectKey) : []);
    // Per config object, the worst severity the specific rules reported (one pass: a config may have thousands).
    const prior = new Map<string, 'error' | 'warning' | 'info'>();
    for (const f of ctx.prior) {
      const key = objectKey(f.path);
      if (prior.get(key) !== 'error') prior.set(key, f.severity);
    }
    const covered = (path: JsonPath, severity: 'error' | 'warning') => {
      const key = objectKey(path);
      return ramOverlap.has(key) || (prior.has(key) && (severity === 'warning' || prior.get(key) === 'error'));
    };
    const seen = new Set<string>();
    for (const e of ctx.sim.errors) {
      if (covered(e.path, e.severity)) continue;
      const k = `${e.path.join('/')}:${e.message}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ path: e.path, severity: e.severity, message: e.message, kernelText: (e.kernelMessage ?? '').trimEnd() });
    }
    return out;
  },
};

export const calibrationPointUnused: Rule = {
  id: 'MM039',
  slug: 'calibration-point-unused',
  severity: 'warning',
  area: 'simulation',
  title: 'A machine.calibration point names nothing the timing model initializes',
  reference: 'timing-model.md §4',
  kernelCitation: 'src/core/init/calibration.ts (isolate): the timing model, not the kernel',
  kernelText: [],
  appliesTo: {},
  // The point is a measurement the user wrote down: Fix All never deletes it (a name may just be mistyped).
  tradeOff: true,
  doc: [
    'A `machine.calibration` point scales one of the timing model\'s per-page costs so that one measured phase takes the',
    'measured time. It is ignored when the config has nothing that phase measures: a `deferred` point for a node that is not in',
    'the config or defers nothing (deferred init off, all its memory initialized early), an `early` point for a node without',
    'early pages, a `zoneDevice` point for a name that is no fsdax/devdax namespace (a kmem device or hot-add is',
    '`hotplugOnline`), a `hugetlb` point for a node without a boot pool. `simulate` and `compare` say so among the timing',
    'problems; this rule says it in the editor and in `check`. (A point the model cannot reach, faster than the media\'s',
    'bandwidth allows, needs the timing model itself: `simulate` reports it.)',
    '',
    '**Fix:** correct the node or device name, or remove the point.',
  ].join('\n'),
  check(ctx) {
    const { params } = normalizeMachine(ctx.config.machine);
    if (params.calibration.length === 0) return [];
    const w = buildInitWorkload(ctx.config, ctx.sim);
    const out: RuleFinding[] = [];
    for (const pt of params.calibration) {
      const why = isolate(w, params, pt);
      if (typeof why !== 'string') continue;
      out.push({
        path: pt.path,
        message: `calibration point not used: ${why}`,
        kernelText: '',
        fixes: [{ title: 'Remove the calibration point', ops: [{ op: 'delete', path: pt.path }] }],
      });
    }
    return out;
  },
};
