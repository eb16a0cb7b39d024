import { Api, enrol, signedStep, type Person } from './client';

/**
 * One month of a district (聊城市东昌府区), played through the public API: a hospital and two
 * rural clinics whose medical waste a disposer collects every 48 h; two garages whose waste
 * engine oil and lead-acid batteries a small-enterprise collector gathers, consolidates and ships
 * on; a factory shipping solvents to a treatment facility with two carriers in relay; and the
 * city's ecology-environment bureau. Every manifest step is signed by the acting member's device,
 * so the back-dated month keeps its attested times.
 *
 * Faults injected (each must end up flagged):
 * - a receipt confirmed late across the 2026 National Day holiday (and a control one just in time);
 * - 12 % of a drum of engine oil lost in transit;
 * - a clinic left uncollected for 60 h;
 * - a transfer to a facility whose licence was suspended while the waste was on the road;
 * - a custody event altered directly in the database (done by the caller, see demo.ts).
 */

/** The month played: Monday 2026-09-14 to 2026-10-14, China time. */
const START = Date.parse('2026-09-14T00:00:00+08:00');
export const at = (day: number, hour: number, minute = 0) =>
  new Date(START + ((day * 24 + hour) * 60 + minute) * 60_000).toISOString().replace('Z', '+00:00');

export interface Expected {
  rule: string;
  /** Organisation (by its demo name) that must be among the flag's organisations. */
  organisation: string;
  why: string;
  subjectId?: string;
}

export interface ScenarioResult {
  people: Record<string, Person>;
  organisationNames: Map<string, string>;
  regulator: Person;
  expected: Expected[];
  /** A lot worth auditing (the drum that lost oil in transit). */
  auditLotId: string;
  /** A medical lot whose stored event the caller tampers with. */
  tamperLotId: string;
  requests: number;
}

interface Options {
  /** Days of routine activity (the faults happen whatever this is). 30 plays the whole month. */
  routineDays: number;
  log: (line: string) => void;
}

type OrgSpec = { key: string; name: string; roles: string[]; region: string; code: string };

const ORGS: OrgSpec[] = [
  { key: 'province', name: '山东省生态环境厅', roles: ['REGULATOR'], region: '370000', code: '11370000MB28500000' },
  { key: 'bureau', name: '聊城市生态环境局', roles: ['REGULATOR'], region: '371500', code: '11371500MB28501234' },
  { key: 'hospital', name: '聊城市第二人民医院', roles: ['GENERATOR'], region: '371502', code: '12371500495582009X' },
  { key: 'clinicA', name: '道口铺街道卫生院', roles: ['GENERATOR'], region: '371502', code: '12371502MB2850001X' },
  { key: 'clinicB', name: '闫寺街道卫生院', roles: ['GENERATOR'], region: '371502', code: '12371502MB2850002X' },
  {
    key: 'disposer',
    name: '聊城市医疗废物集中处置中心',
    roles: ['TRANSPORTER', 'TREATER'],
    region: '371502',
    code: '91371500MA3C0001XX',
  },
  {
    key: 'garageA',
    name: '东昌府区顺达汽车维修部',
    roles: ['GENERATOR'],
    region: '371502',
    code: '92371502MA3C0002XX',
  },
  { key: 'garageB', name: '东昌府区快捷汽修厂', roles: ['GENERATOR'], region: '371502', code: '92371502MA3C0003XX' },
  {
    key: 'collector',
    name: '东昌府区小微企业危废收集站',
    roles: ['COLLECTOR', 'TRANSPORTER'],
    region: '371502',
    code: '91371502MA3C0004XX',
  },
  {
    key: 'recycler',
    name: '济南鲁再生资源利用有限公司',
    roles: ['TREATER'],
    region: '370112',
    code: '91370100MA3C0005XX',
  },
  {
    key: 'factory',
    name: '聊城鲁西精细化工有限公司',
    roles: ['GENERATOR'],
    region: '371502',
    code: '91371500MA3C0006XX',
  },
  {
    key: 'carrier1',
    name: '聊城顺安危险货物运输有限公司',
    roles: ['TRANSPORTER'],
    region: '371502',
    code: '91371500MA3C0007XX',
  },
  {
    key: 'carrier2',
    name: '济南通达危险品运输有限公司',
    roles: ['TRANSPORTER'],
    region: '370112',
    code: '91370100MA3C0008XX',
  },
  { key: 'treater', name: '济南市危险废物处置中心', roles: ['TREATER'], region: '370112', code: '91370100MA3C0009XX' },
  {
    key: 'incinerator',
    name: '德州焚烧处置有限公司',
    roles: ['TREATER'],
    region: '371402',
    code: '91371400MA3C0010XX',
  },
];

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** Gives the placeholder codes above a valid GB 32100 check character. */
function creditCode(template: string): string {
  const body = template.slice(0, 17).replace(/[^0-9A-HJ-NPQRTUWXY]/g, '0');
  const sum = [...body].reduce((s, ch, i) => s + ALPHABET.indexOf(ch) * WEIGHTS[i], 0);
  return body + ALPHABET[(31 - (sum % 31)) % 31];
}

export async function playMonth(api: Api, adminKey: string, options: Options): Promise<ScenarioResult> {
  const log = options.log;
  const orgId: Record<string, string> = {};
  const names = new Map<string, string>();
  const people: Record<string, Person> = {};

  log('Registering 15 organisations, their staff, API keys and device keys');
  for (const o of ORGS) {
    const org = await api.post<{ id: string }>('/v1/organisations', adminKey, {
      name: o.name,
      roles: o.roles,
      registrationCode: creditCode(o.code),
      regionCode: o.region,
    });
    orgId[o.key] = org.id;
    names.set(org.id, o.name);
    people[o.key] = await enrol(api, adminKey, org.id, `${o.name}经办人`, 'ADMIN');
  }
  const P = people;
  const bureau = P.bureau;

  log('The provincial department records licences and transport permits');
  const permit = (holder: string, body: Record<string, unknown>) =>
    api.post<{ id: string }>('/v1/permits', P.province.key, {
      organisationId: orgId[holder],
      number: `鲁危证${holder}${Math.floor(Math.random() * 1e6)}`,
      wasteCodes: [],
      wasteCategories: [],
      facilityAddress: '山东省',
      issuer: '山东省生态环境厅',
      validFrom: '2024-01-01',
      validTo: '2028-12-31',
      ...body,
    });
  await permit('disposer', {
    kind: 'MEDICAL_WASTE_DISPOSAL',
    operationModes: ['COLLECTION', 'STORAGE', 'DISPOSAL'],
    wasteCategories: ['HW01'],
    annualCapacityTonnes: '3000',
  });
  await permit('disposer', {
    kind: 'ROAD_DANGEROUS_GOODS_TRANSPORT',
    operationModes: ['TRANSPORT'],
    wasteCategories: ['HW01'],
    dedicatedMedicalWaste: true,
    facilityAddress: undefined,
  });
  await permit('collector', {
    kind: 'HW_OPERATING_COLLECTION',
    operationModes: ['COLLECTION', 'STORAGE'],
    wasteCodes: ['900-214-08', '900-052-31'],
    collectionPilot: true,
    annualCapacityTonnes: '500',
    validFrom: '2025-01-01',
    validTo: '2027-12-31',
  });
  for (const c of ['collector', 'carrier1', 'carrier2']) {
    await permit(c, {
      kind: 'ROAD_DANGEROUS_GOODS_TRANSPORT',
      operationModes: ['TRANSPORT'],
      wasteCategories: ['HW06', 'HW08', 'HW31'],
    });
  }
  await permit('recycler', {
    kind: 'HW_OPERATING_COMPREHENSIVE',
    operationModes: ['STORAGE', 'UTILISATION'],
    wasteCategories: ['HW08', 'HW31'],
    annualCapacityTonnes: '20000',
  });
  await permit('treater', {
    kind: 'HW_OPERATING_COMPREHENSIVE',
    operationModes: ['STORAGE', 'DISPOSAL'],
    wasteCategories: ['HW06', 'HW08'],
    annualCapacityTonnes: '10000',
  });
  const incineratorLicence = await permit('incinerator', {
    kind: 'HW_OPERATING_COMPREHENSIVE',
    operationModes: ['STORAGE', 'DISPOSAL'],
    wasteCategories: ['HW06'],
    annualCapacityTonnes: '8000',
  });

  const lot = async (who: string, wasteCode: string, kg: string, when: string, extra: Record<string, unknown> = {}) =>
    (
      await api.post<{ id: string }>('/v1/lots', P[who].key, {
        wasteCode,
        quantity: { value: kg, unit: 'kg' },
        quantityMethod: 'WEIGHED',
        physicalForm: 'SOLID',
        packagingType: 'BAG',
        containerCount: 1,
        facilityCode: `${who.toUpperCase()}-01`,
        handlerName: P[who].name,
        occurredAt: when,
        ...extra,
      })
    ).id;

  /** Drafts and runs a manifest through the steps given; returns it. */
  const ship = async (spec: {
    from: string;
    to: string;
    carriers: string[];
    lots: Array<{ id: string; kg: string; receivedKg?: string }>;
    operation: string;
    day: number;
    hour: number;
    relayAfterMinutes?: number;
    deliverAfterMinutes: number;
    receiveAt?: string;
    completeWith?: string;
  }) => {
    const drafted = await api.post<{ id: string; number: string }>('/v1/manifests', P[spec.from].key, {
      consigneeId: orgId[spec.to],
      carriers: spec.carriers.map((c, i) => ({
        organisationId: orgId[c],
        vehiclePlate: `鲁P${10000 + i}`,
        operatingPermitNumber: `3715${i}0001`,
      })),
      lines: spec.lots.map((l) => ({ lotId: l.id, declared: { value: l.kg, unit: 'kg' } })),
      plannedDate: at(spec.day, spec.hour).slice(0, 10),
      plannedOperation: spec.operation,
      emergencyMeasures: '泄漏时立即围堵收集，疏散人员，拨打 12369 报告',
    });
    const t0 = spec.day * 24 * 60 + spec.hour * 60;
    const time = (minutes: number) => at(0, 0, t0 + minutes);
    await signedStep(api, P[spec.from], drafted, 'submit', { occurredAt: time(0) });
    await signedStep(api, P[spec.carriers[0]], drafted, 'pickup', {
      occurredAt: time(15),
      location: names.get(orgId[spec.from]),
    });
    if (spec.carriers.length > 1) {
      await signedStep(api, P[spec.carriers[1]], drafted, 'relay', {
        occurredAt: time(spec.relayAfterMinutes ?? 90),
        location: '济聊高速东阿服务区',
      });
    }
    await signedStep(api, P[spec.to], drafted, 'deliver', { occurredAt: time(spec.deliverAfterMinutes) });
    return {
      manifest: drafted,
      receive: async () =>
        signedStep(api, P[spec.to], drafted, 'receive', {
          occurredAt: spec.receiveAt ?? time(spec.deliverAfterMinutes + 30),
          lines: spec.lots.map((l, i) => ({
            lineNo: i + 1,
            received: { value: l.receivedKg ?? l.kg, unit: 'kg' },
            decision: 'ACCEPTED',
          })),
        }),
      complete: async (day: number) =>
        signedStep(api, P[spec.to], drafted, 'complete', {
          occurredAt: at(day, 10),
          lines: spec.lots.map((l, i) => ({
            lineNo: i + 1,
            operationCode: spec.completeWith!,
            treated: { value: l.receivedKg ?? l.kg, unit: 'kg' },
          })),
        }),
    };
  };

  // --- Medical waste: every institution produces daily; the disposer collects every 48 h.
  log('Medical waste: a hospital and two clinics, collected every 48 h by the disposer');
  const pending: Record<string, string[]> = { hospital: [], clinicA: [], clinicB: [] };
  let tamperLotId = '';
  const collectMedical = async (who: string, day: number, hour: number) => {
    const ids = pending[who].splice(0);
    if (!ids.length) return;
    const m = await ship({
      from: who,
      to: 'disposer',
      carriers: ['disposer'],
      lots: ids.map((id) => ({ id, kg: who === 'hospital' ? '35.5' : '2.4' })),
      operation: 'Y10',
      completeWith: 'Y10',
      day,
      hour,
      deliverAfterMinutes: 50,
    });
    await m.receive();
    await m.complete(day + 1);
  };
  const medicalDays = Math.min(options.routineDays, 30);
  for (let day = 0; day < Math.max(medicalDays, 14); day++) {
    // 闫寺 was last collected on day 7 at 16:00 and is skipped on day 9: collected again on day 10
    // at 04:00, 60 h later.
    if (day === 10) await collectMedical('clinicB', 10, 4);
    for (const who of ['hospital', 'clinicA', 'clinicB']) {
      const id = await lot(who, '841-001-01', who === 'hospital' ? '35.5' : '2.4', at(day, 8), {
        packagingType: 'BAG',
        mainConstituents: ['使用后的一次性输液器', '棉签纱布'],
      });
      pending[who].push(id);
      if (!tamperLotId && who === 'hospital') tamperLotId = id;
    }
    if (day % 2 === 1) {
      await collectMedical('hospital', day, 14);
      await collectMedical('clinicA', day, 15);
      if (day !== 9) await collectMedical('clinicB', day, 16);
    }
  }
  for (const who of ['hospital', 'clinicA', 'clinicB']) await collectMedical(who, Math.max(medicalDays, 14), 14);

  // --- Garages → collector (weekly), one drum losing 12 % on the way; consolidation and shipment on.
  log('Garages: waste engine oil and lead-acid batteries, collected weekly by the small-enterprise collector');
  let auditLotId = '';
  const atCollector: Record<string, string[]> = { oil: [], batteries: [] };
  for (const week of [0, 1, 2, 3].filter((w) => w === 1 || w * 7 < options.routineDays)) {
    for (const garage of ['garageA', 'garageB']) {
      const oil = await lot(garage, '900-214-08', '200', at(week * 7, 9), {
        physicalForm: 'LIQUID',
        packagingType: 'DRUM',
        mainConstituents: ['废机油'],
      });
      const batteries = await lot(garage, '900-052-31', '150', at(week * 7, 10), {
        packagingType: 'BOX',
        mainConstituents: ['废铅蓄电池'],
      });
      const lossy = week === 1 && garage === 'garageA';
      if (lossy) auditLotId = oil;
      const m = await ship({
        from: garage,
        to: 'collector',
        carriers: ['collector'],
        lots: [
          { id: oil, kg: '200', receivedKg: lossy ? '176' : '200' },
          { id: batteries, kg: '150' },
        ],
        operation: 'COLLECTION',
        day: week * 7 + 2,
        hour: garage === 'garageA' ? 9 : 11,
        deliverAfterMinutes: 80,
      });
      await m.receive();
      atCollector.oil.push(oil);
      atCollector.batteries.push(batteries);
    }
  }
  log('The collector consolidates what it gathered and ships it to the recycler in Jinan');
  const merge = async (lotIds: string[], packagingType: string) =>
    await api.post<{ id: string; quantity: { value: string } }>('/v1/lots/merge', P.collector.key, {
      lotIds,
      occurredAt: at(24, 9),
      handlerName: P.collector.name,
      packagingType,
      containerCount: lotIds.length,
    });
  const oilLot = await merge(atCollector.oil, 'IBC');
  const batteryLot = await merge(atCollector.batteries, 'BOX');
  const kgOf = (grams: string) => (Number(grams) / 1000).toString();
  const onward = await ship({
    from: 'collector',
    to: 'recycler',
    carriers: ['carrier1'],
    lots: [
      { id: oilLot.id, kg: kgOf(oilLot.quantity.value) },
      { id: batteryLot.id, kg: kgOf(batteryLot.quantity.value) },
    ],
    operation: 'UTILISATION',
    day: 25,
    hour: 8,
    deliverAfterMinutes: 180,
  });
  await onward.receive();
  await signedStep(api, P.recycler, onward.manifest, 'complete', {
    occurredAt: at(27, 10),
    lines: [
      { lineNo: 1, operationCode: 'R9', treated: { value: kgOf(oilLot.quantity.value), unit: 'kg' } },
      { lineNo: 2, operationCode: 'R4', treated: { value: kgOf(batteryLot.quantity.value), unit: 'kg' } },
    ],
  });

  // --- Factory solvents → Jinan, two carriers in relay.
  log('Factory solvents to Jinan with two carriers in relay, around the National Day holiday');
  const solvent = (day: number) =>
    lot('factory', '900-402-06', '800', at(day, 8), {
      physicalForm: 'LIQUID',
      packagingType: 'DRUM',
      containerCount: 4,
      mainConstituents: ['废甲苯'],
    });
  const relay = {
    from: 'factory',
    to: 'treater',
    carriers: ['carrier1', 'carrier2'],
    operation: 'D10',
    relayAfterMinutes: 120,
    deliverAfterMinutes: 300,
    completeWith: 'D10',
  };
  const onTime = await ship({ ...relay, lots: [{ id: await solvent(1), kg: '800' }], day: 2, hour: 8 });
  await onTime.receive();
  await onTime.complete(6);
  // Delivered Tue 29 Sep; 5 working days = 30 Sep, 8, 9, Sat 10 (make-up day) and 12 Oct.
  const late = await ship({
    ...relay,
    lots: [{ id: await solvent(14), kg: '800' }],
    day: 15,
    hour: 7,
    receiveAt: '2026-10-13T10:00:00+08:00',
  });
  await late.receive();
  await late.complete(30);
  const justInTime = await ship({
    ...relay,
    lots: [{ id: await solvent(14), kg: '800' }],
    day: 15,
    hour: 8,
    receiveAt: '2026-10-12T16:00:00+08:00',
  });
  await justInTime.receive();
  await justInTime.complete(30);

  log('A shipment to Dezhou: the bureau suspends the incinerator’s licence while the waste is on the road');
  const dezhou = await ship({
    from: 'factory',
    to: 'incinerator',
    carriers: ['carrier1'],
    lots: [{ id: await solvent(24), kg: '600' }],
    operation: 'D10',
    day: 25,
    hour: 8,
    deliverAfterMinutes: 240,
  });
  await api.post(`/v1/permits/${incineratorLicence.id}/suspend`, P.province.key, {
    reason: '在线监测数据造假，责令停业整顿',
  });
  await dezhou.receive();

  return {
    people,
    organisationNames: names,
    regulator: bureau,
    auditLotId,
    tamperLotId,
    requests: api.requests,
    expected: [
      {
        rule: 'MEDICAL_COLLECTION_INTERVAL',
        organisation: '闫寺街道卫生院',
        why: 'left uncollected for 60 h (limit 48 h)',
      },
      {
        rule: 'QUANTITY_DISCREPANCY',
        organisation: '东昌府区顺达汽车维修部',
        why: '200 kg declared, 176 kg received (−12 %)',
      },
      {
        rule: 'CUMULATIVE_LOSS',
        organisation: '东昌府区顺达汽车维修部',
        why: 'net weight lost between the garage and the collector',
      },
      {
        rule: 'RECEIPT_CONFIRMATION_OVERDUE',
        organisation: '济南市危险废物处置中心',
        why: 'confirmed on the 6th working day after delivery, across National Day',
        subjectId: late.manifest.id,
      },
      {
        rule: 'UNLICENSED_PARTY',
        organisation: '德州焚烧处置有限公司',
        why: 'licence suspended while the waste was in transit',
      },
      {
        rule: 'CHAIN_TAMPERED',
        organisation: '聊城市第二人民医院',
        why: 'a custody event altered in the database',
        subjectId: tamperLotId,
      },
    ],
  };
}
