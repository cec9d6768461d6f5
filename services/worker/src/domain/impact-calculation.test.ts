import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeReportStatistics,
  monthRange,
  previousMonth,
  sumMonthlyImpact,
} from './impact-calculation.js';

describe('impact calculation', () => {
  test('when a report has trees, trash and recyclables then CO₂ = trees × 22 kg and waste = trash + recyclable', () => {
    const s = computeReportStatistics({
      trees_planted: 10,
      trash_collected_kg: '12.5',
      recyclable_material_kg: 7.25,
      area_cleaned_m2: '300',
      total_participants: 8,
      total_hours: '24',
    });
    assert.deepEqual(s, {
      co2_offset_kg: 220,
      waste_diverted_kg: 19.75,
      area_cleaned_m2: 300,
      trees_planted: 10,
      total_participants: 8,
      total_hours: 24,
    });
  });

  test('when fields are empty or null then they count as zero instead of crashing', () => {
    const s = computeReportStatistics({
      trees_planted: null,
      trash_collected_kg: '',
      recyclable_material_kg: null,
      area_cleaned_m2: null,
    });
    assert.equal(s.co2_offset_kg, 0);
    assert.equal(s.waste_diverted_kg, 0);
  });

  test('when several reports are summed then every figure is the total', () => {
    const m = sumMonthlyImpact([
      { trees_planted: 1, trash_collected_kg: 1, recyclable_material_kg: 2, area_cleaned_m2: 10 },
      { trees_planted: 2, trash_collected_kg: 3, recyclable_material_kg: 0, area_cleaned_m2: 5 },
    ]);
    assert.equal(m.events_count, 2);
    assert.equal(m.co2_offset_kg, 66);
    assert.equal(m.waste_diverted_kg, 6);
    assert.equal(m.area_cleaned_m2, 15);
  });

  test('when the report runs on 1 March 03:00 in São Paulo then it covers February in local time', () => {
    const at = new Date('2026-03-01T06:00:00Z'); // 03:00 in America/Sao_Paulo (UTC-3)
    assert.equal(previousMonth(at), '2026-02');
    const { start, end } = monthRange('2026-02');
    assert.equal(start.toISOString(), '2026-02-01T03:00:00.000Z');
    assert.equal(end.toISOString(), '2026-03-01T03:00:00.000Z');
  });

  test('when it is 1 January then the previous month is December of the year before', () => {
    assert.equal(previousMonth(new Date('2027-01-01T06:00:00Z')), '2026-12');
    assert.equal(monthRange('2026-12').end.toISOString(), '2027-01-01T03:00:00.000Z');
  });
});
