// Monthly impact reports (public read), mounted at /api/reports.
import express from 'express';
import type { ApiDeps } from '../../../deps.js';
import { MonthlyImpactReports } from '../../../domain/reports/monthly-impact.use-case.js';
import { paginate } from '../pagination.js';

export function createReportsRouter(deps: ApiDeps): express.Router {
  const monthly = new MonthlyImpactReports(() => deps.db.reader);
  const r = express.Router({ strict: false });

  r.get('/monthly', async (req, res) => {
    res.json(await paginate(req, (limit, offset) => monthly.list(limit, offset)));
  });

  r.get('/monthly/:month', async (req, res) => {
    res.json(await monthly.get(String(req.params['month'])));
  });

  return r;
}
