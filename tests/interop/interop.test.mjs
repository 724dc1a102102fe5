// Interop test: drives the real batond binary from Node.js (@grpc/grpc-js +
// @grpc/proto-loader), the way a non-C++ client of Baton would, over a real
// socket with real HS256 tokens.
//
// Env: BATOND — path of the batond binary (default: ../../build/cmd/batond/batond
// relative to this file).
//
// Run: node --test tests/interop/interop.test.mjs   (or tests/interop/run.sh)

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import jwt from 'jsonwebtoken';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_PROTOS = path.resolve(HERE, '../../protos');
const BATOND = path.resolve(process.env.BATOND || path.join(HERE, '../../build/cmd/batond/batond'));

const HANDOFF_SERVICE = 'baton.handoff.v1.HandoffService';
const CALL_DEADLINE_MS = 5_000;
const PORT_FILE_WAIT_MS = 10_000;
const STREAM_DEADLINE_MS = 10_000;
const SHUTDOWN_WAIT_MS = 15_000;

// ---------------------------------------------------------------------------
// Protos and clients.

const packageDefinition = protoLoader.loadSync(
  [
    'baton/handoff/v1/handoff_service.proto',
    'baton/feedback/v1/feedback_service.proto',
    'baton/rating/v1/rating_service.proto',
    'grpc/health/v1/health.proto',
  ],
  {
    includeDirs: [REPO_PROTOS],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  },
);
const loaded = grpc.loadPackageDefinition(packageDefinition);
const HandoffService = loaded.baton.handoff.v1.HandoffService;
const FeedbackService = loaded.baton.feedback.v1.FeedbackService;
const RatingService = loaded.baton.rating.v1.RatingService;
const Health = loaded.grpc.health.v1.Health;

// ---------------------------------------------------------------------------
// Tokens.

const KEY = crypto.randomBytes(32).toString('hex');
const OTHER_KEY = crypto.randomBytes(32).toString('hex');

function token({ sub, team = '', department = '', roles }, key = KEY) {
  const claims = { sub, roles };
  if (team) claims.team = team;
  if (department) claims.department = department;
  return jwt.sign(claims, key, { algorithm: 'HS256', expiresIn: '10m' });
}

const ADMIN = token({ sub: 'root', roles: ['admin'] });
const SERVICE = token({ sub: 'crm', roles: ['service'] });
const FRONT_DESK = token({ sub: 'wang', team: 'front-desk', department: 'clinic', roles: ['member'] });
const CONSULT = token({ sub: 'zhang', team: 'consultation', department: 'clinic', roles: ['member'] });
const TREATMENT = token({ sub: 'chen', team: 'treatment', department: 'clinic', roles: ['member'] });
const FORGED_ADMIN = token({ sub: 'root', roles: ['admin'] }, OTHER_KEY);

function metadataFor(auth, actAsTeam) {
  const md = new grpc.Metadata();
  if (auth) md.set('authorization', `Bearer ${auth}`);
  if (actAsTeam) md.set('x-baton-act-as-team', actAsTeam);
  return md;
}

function deadline(ms = CALL_DEADLINE_MS) {
  return new Date(Date.now() + ms);
}

// Calls a unary method; resolves with the response or rejects with the
// grpc-js ServiceError (code, details, metadata).
function unary(client, method, request, { auth = null, actAs = null } = {}) {
  return new Promise((resolve, reject) => {
    client[method](request, metadataFor(auth, actAs), { deadline: deadline() }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}

// Expects `promise` to fail with `code`; returns the error for more checks.
async function expectCode(promise, code, messagePattern) {
  let error = null;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${grpc.status[code]}, but the call succeeded`);
  assert.equal(error.code, code, `expected ${grpc.status[code]}, got ${grpc.status[error.code]}: ${error.details}`);
  if (messagePattern) assert.match(error.details, messagePattern);
  return error;
}

// ---------------------------------------------------------------------------
// The server.

let tempDir = null;
let server = null; // ChildProcess
let serverExit = null; // Promise<{code, signal}>
let serverLog = '';
let sigtermSent = false;
let address = null;
let handoff = null; // HandoffService client
let feedback = null; // FeedbackService client
let rating = null; // RatingService client
let health = null; // Health client

async function waitForPortFile(portFile) {
  const until = Date.now() + PORT_FILE_WAIT_MS;
  while (Date.now() < until) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`batond exited early (${server.exitCode ?? server.signalCode}):\n${serverLog}`);
    }
    if (fs.existsSync(portFile)) {
      const text = fs.readFileSync(portFile, 'utf8').trim();
      const port = Number.parseInt(text, 10);
      if (Number.isInteger(port) && port > 0) return port;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no port file after ${PORT_FILE_WAIT_MS} ms:\n${serverLog}`);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

before(async () => {
  assert.ok(fs.existsSync(BATOND), `batond binary not found at ${BATOND} (set BATOND)`);
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-interop-'));
  const keyFile = path.join(tempDir, 'jwt.key');
  fs.writeFileSync(keyFile, KEY, { mode: 0o600 });
  const portFile = path.join(tempDir, 'port');

  server = spawn(
    BATOND,
    [
      `--jwt_key_file=${keyFile}`,
      '--listen=127.0.0.1:0',
      `--data_dir=${path.join(tempDir, 'data')}`,
      `--port_file=${portFile}`,
      '--log_level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keepLog = (chunk) => {
    serverLog = (serverLog + chunk.toString()).slice(-20_000);
  };
  server.stdout.on('data', keepLog);
  server.stderr.on('data', keepLog);
  serverExit = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));

  const port = await waitForPortFile(portFile);
  address = `127.0.0.1:${port}`;
  handoff = new HandoffService(address, grpc.credentials.createInsecure());
  feedback = new FeedbackService(address, grpc.credentials.createInsecure());
  rating = new RatingService(address, grpc.credentials.createInsecure());
  health = new Health(address, grpc.credentials.createInsecure());
});

after(async () => {
  if (server && !sigtermSent && (server.exitCode !== null || server.signalCode !== null)) {
    console.error(`batond died during the tests (${server.exitCode ?? server.signalCode}):\n${serverLog}`);
  }
  handoff?.close();
  feedback?.close();
  rating?.close();
  health?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
    await withTimeout(serverExit, 5_000, 'batond after SIGKILL').catch(() => {});
  }
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// The tests. They run in order and build on each other.

// What the tests create, filled in as they go.
const state = {
  item: null, // work item name
  toConsult: null, // handoff stage 0 → 1
  toTreatmentReturned: null, // handoff stage 1 → 2, attempt 1
  toTreatment: null, // handoff stage 1 → 2, attempt 2
};

const DEPARTMENT_NAME = '门诊部 Outpatients';
const TEAMS = [
  ['front-desk', '前台接待'],
  ['consultation', '面诊'],
  ['treatment', '治疗'],
];
const CHAIN_NAME = '门诊流程';

describe('batond over Node.js gRPC', { timeout: 120_000 }, () => {
  it('reports health without a token', async () => {
    for (const service of ['', HANDOFF_SERVICE]) {
      const res = await unary(health, 'Check', { service });
      assert.equal(res.status, 'SERVING', `health of "${service}"`);
    }
    await expectCode(unary(health, 'Check', { service: 'no.such.Service' }), grpc.status.NOT_FOUND);
  });

  it('refuses calls without a valid token', async () => {
    await expectCode(
      unary(handoff, 'ListDepartments', {}),
      grpc.status.UNAUTHENTICATED,
      /authorization/,
    );
    await expectCode(
      unary(handoff, 'CreateDepartment', { department_id: 'forged', department: { display_name: 'x' } }, { auth: FORGED_ADMIN }),
      grpc.status.UNAUTHENTICATED,
    );
    const expired = jwt.sign({ sub: 'root', roles: ['admin'], exp: Math.floor(Date.now() / 1000) - 3600 }, KEY, {
      algorithm: 'HS256',
    });
    await expectCode(unary(handoff, 'ListDepartments', {}, { auth: expired }), grpc.status.UNAUTHENTICATED);
  });

  it('creates the organisation and a chain as admin', async () => {
    // Only admins run the org.
    await expectCode(
      unary(handoff, 'CreateDepartment', { department_id: 'nope', department: { display_name: 'x' } }, { auth: FRONT_DESK }),
      grpc.status.PERMISSION_DENIED,
    );

    const { department } = await unary(
      handoff,
      'CreateDepartment',
      { department_id: 'clinic', department: { display_name: DEPARTMENT_NAME } },
      { auth: ADMIN },
    );
    assert.equal(department.name, 'departments/clinic');
    assert.equal(department.display_name, DEPARTMENT_NAME);

    for (const [id, displayName] of TEAMS) {
      const { team } = await unary(
        handoff,
        'CreateTeam',
        { team_id: id, team: { department: 'departments/clinic', display_name: displayName } },
        { auth: ADMIN },
      );
      assert.equal(team.name, `teams/${id}`);
      assert.equal(team.display_name, displayName);
    }

    const { chain } = await unary(
      handoff,
      'CreateChain',
      {
        chain_id: 'visit',
        chain: {
          display_name: CHAIN_NAME,
          stages: [
            { display_name: '接待', owner_team: 'teams/front-desk' },
            {
              display_name: '面诊',
              owner_team: 'teams/consultation',
              sla: { seconds: 1800 },
              required_fields: ['phone', 'complaint'],
              requires_read_back: true,
            },
            {
              display_name: '治疗',
              owner_team: 'teams/treatment',
              sla: { seconds: 3600 },
              required_fields: ['diagnosis'],
            },
          ],
        },
      },
      { auth: ADMIN },
    );
    assert.equal(chain.name, 'chains/visit');
    assert.equal(chain.stages.length, 3);
    assert.deepEqual(chain.stages[1].required_fields, ['phone', 'complaint']);
    assert.equal(chain.stages[1].requires_read_back, true);
    assert.equal(chain.stages[2].sla.seconds, '3600');
  });

  it('round-trips Chinese display names', async () => {
    const { department } = await unary(handoff, 'GetDepartment', { name: 'departments/clinic' }, { auth: CONSULT });
    assert.equal(department.display_name, DEPARTMENT_NAME);
    const { teams } = await unary(
      handoff,
      'ListTeams',
      { department: 'departments/clinic' },
      { auth: CONSULT },
    );
    const byName = Object.fromEntries(teams.map((t) => [t.name, t.display_name]));
    for (const [id, displayName] of TEAMS) assert.equal(byName[`teams/${id}`], displayName);
    const { chain } = await unary(handoff, 'GetChain', { name: 'chains/visit' }, { auth: SERVICE });
    assert.equal(chain.display_name, CHAIN_NAME);
    assert.deepEqual(
      chain.stages.map((s) => s.display_name),
      ['接待', '面诊', '治疗'],
    );
  });

  it('creates a work item as a service acting for the first team; a retry returns the same item', async () => {
    const request = {
      request_id: 'crm-create-1001',
      chain: 'chains/visit',
      external_reference: 'crm-1001',
      fields: { phone: '13800000000', patient: '李雷' },
    };
    // A service must say which team it acts for.
    await expectCode(
      unary(handoff, 'CreateWorkItem', request, { auth: SERVICE }),
      grpc.status.PERMISSION_DENIED,
      /x-baton-act-as-team/,
    );
    const first = await unary(handoff, 'CreateWorkItem', request, { auth: SERVICE, actAs: 'front-desk' });
    const item = first.work_item;
    assert.match(item.name, /^workItems\/.+/);
    assert.equal(item.holder_team, 'teams/front-desk');
    assert.equal(item.state, 'WORK_ITEM_STATE_ACTIVE');
    assert.equal(item.stage_index, 0);
    assert.equal(item.fields.patient, '李雷');
    const retried = await unary(handoff, 'CreateWorkItem', request, { auth: SERVICE, actAs: 'front-desk' });
    assert.equal(retried.work_item.name, item.name);
    state.item = item.name;
  });

  it('refuses an offer that lacks a required field and names the field', async () => {
    const error = await expectCode(
      unary(handoff, 'OfferHandoff', { work_item: state.item }, { auth: FRONT_DESK }),
      grpc.status.FAILED_PRECONDITION,
      /complaint/,
    );
    assert.match(error.details, /面诊/); // the stage's Chinese name survives the status message
    assert.doesNotMatch(error.details, /phone/);
    // The rich status (google.rpc.Status with PreconditionFailure) travels too.
    const [details] = error.metadata.get('grpc-status-details-bin');
    assert.ok(Buffer.isBuffer(details) && details.includes('complaint'), 'grpc-status-details-bin names the field');
  });

  it('offers to stage 2; a retry with the same request_id returns the same handoff', async () => {
    const request = {
      request_id: 'offer-1001-consult',
      work_item: state.item,
      fields: { complaint: '头痛 headache' },
      note: '请尽快',
    };
    const first = (await unary(handoff, 'OfferHandoff', request, { auth: FRONT_DESK })).handoff;
    assert.match(first.name, /^handoffs\/.+/);
    assert.equal(first.state, 'HANDOFF_STATE_OFFERED');
    assert.equal(first.attempt, 1);
    assert.equal(first.from_stage, 0);
    assert.equal(first.to_stage, 1);
    assert.equal(first.supplier_team, 'teams/front-desk');
    assert.equal(first.customer_team, 'teams/consultation');
    assert.equal(first.note, '请尽快');
    assert.equal(first.fields.complaint, '头痛 headache');
    assert.equal(BigInt(first.due_time.seconds) - BigInt(first.offer_time.seconds), 1800n);

    const again = (await unary(handoff, 'OfferHandoff', request, { auth: FRONT_DESK })).handoff;
    assert.equal(again.name, first.name);
    state.toConsult = first.name;
  });

  it('lets only the customer team decide', async () => {
    await expectCode(
      unary(handoff, 'AcceptHandoff', { name: state.toConsult, read_back: 'x' }, { auth: FRONT_DESK }),
      grpc.status.PERMISSION_DENIED,
    );
    await expectCode(
      unary(handoff, 'AcceptHandoff', { name: state.toConsult, read_back: 'x' }, { auth: TREATMENT }),
      grpc.status.PERMISSION_DENIED,
    );
    // A member cannot claim another team.
    await expectCode(
      unary(handoff, 'AcceptHandoff', { name: state.toConsult, read_back: 'x' }, { auth: TREATMENT, actAs: 'consultation' }),
      grpc.status.PERMISSION_DENIED,
    );
  });

  it('accepts into stage 2 with a read-back', async () => {
    await expectCode(
      unary(handoff, 'AcceptHandoff', { name: state.toConsult }, { auth: CONSULT }),
      grpc.status.INVALID_ARGUMENT,
      /read_back/,
    );
    const readBack = '患者头痛，电话 13800000000';
    const { handoff: accepted } = await unary(
      handoff,
      'AcceptHandoff',
      { name: state.toConsult, read_back: readBack },
      { auth: CONSULT },
    );
    assert.equal(accepted.state, 'HANDOFF_STATE_ACCEPTED');
    assert.equal(accepted.read_back, readBack);
    assert.equal(accepted.decided_by.subject, 'zhang');
    const { work_item: item } = await unary(handoff, 'GetWorkItem', { name: state.item }, { auth: CONSULT });
    assert.equal(item.stage_index, 1);
    assert.equal(item.holder_team, 'teams/consultation');
    assert.equal(item.open_handoff, '');
  });

  it('offers to stage 3, which returns it with reasons', async () => {
    const offered = (
      await unary(handoff, 'OfferHandoff', { work_item: state.item, fields: { diagnosis: '偏头痛' } }, { auth: CONSULT })
    ).handoff;
    assert.equal(offered.attempt, 1);
    assert.equal(offered.customer_team, 'teams/treatment');
    state.toTreatmentReturned = offered.name;

    const note = '诊断与主诉不符';
    const { handoff: returned } = await unary(
      handoff,
      'ReturnHandoff',
      {
        name: offered.name,
        reasons: ['RETURN_REASON_WRONG_INFORMATION', 'RETURN_REASON_MISSING_INFORMATION'],
        fields: ['diagnosis'],
        note,
      },
      { auth: TREATMENT },
    );
    assert.equal(returned.state, 'HANDOFF_STATE_RETURNED');
    assert.deepEqual(returned.return_reasons, ['RETURN_REASON_WRONG_INFORMATION', 'RETURN_REASON_MISSING_INFORMATION']);
    assert.deepEqual(returned.return_fields, ['diagnosis']);
    assert.equal(returned.return_note, note);

    const { work_item: item } = await unary(handoff, 'GetWorkItem', { name: state.item }, { auth: TREATMENT });
    assert.equal(item.holder_team, 'teams/consultation');
    assert.equal(item.open_handoff, '');
  });

  it('re-offers as attempt 2, accepts and completes', async () => {
    const reoffered = (
      await unary(handoff, 'OfferHandoff', { work_item: state.item, fields: { diagnosis: '紧张性头痛' } }, { auth: CONSULT })
    ).handoff;
    assert.equal(reoffered.attempt, 2);
    assert.notEqual(reoffered.name, state.toTreatmentReturned);
    state.toTreatment = reoffered.name;

    const { handoff: accepted } = await unary(handoff, 'AcceptHandoff', { name: reoffered.name }, { auth: TREATMENT });
    assert.equal(accepted.state, 'HANDOFF_STATE_ACCEPTED');

    // Only the holding team completes.
    await expectCode(
      unary(handoff, 'CompleteWorkItem', { name: state.item }, { auth: CONSULT }),
      grpc.status.PERMISSION_DENIED,
    );
    const { work_item: done } = await unary(handoff, 'CompleteWorkItem', { name: state.item }, { auth: TREATMENT });
    assert.equal(done.state, 'WORK_ITEM_STATE_COMPLETED');
    assert.equal(done.stage_index, 2);
    assert.equal(done.fields.diagnosis, '紧张性头痛');
    assert.equal(done.fields.patient, '李雷');
  });

  it('rates an accepted handoff as its customer, and revises the rating', async () => {
    const scores = { completeness: 4, accuracy: 5, timeliness: 3, communication: 4, overall: 4 };
    // The supplier does not rate its own handoff.
    await expectCode(
      unary(feedback, 'RateHandoff', { handoff: state.toConsult, scores }, { auth: FRONT_DESK }),
      grpc.status.PERMISSION_DENIED,
    );
    await expectCode(
      unary(feedback, 'RateHandoff', { handoff: state.toConsult, scores: { ...scores, overall: 6 } }, { auth: CONSULT }),
      grpc.status.INVALID_ARGUMENT,
      /scores\.overall/,
    );
    const comment = '交接清楚，电话号码准确';
    const { rating } = await unary(
      feedback,
      'RateHandoff',
      { request_id: 'interop-rate-1', handoff: state.toConsult, scores, comment },
      { auth: CONSULT },
    );
    assert.equal(rating.revision, 1);
    assert.equal(rating.comment, comment);
    assert.equal(rating.supplier_team, 'teams/front-desk');
    assert.equal(rating.customer_team, 'teams/consultation');
    const { rating: revised } = await unary(
      feedback,
      'RateHandoff',
      { handoff: state.toConsult, scores: { ...scores, overall: 5 }, comment: '补充：非常及时' },
      { auth: CONSULT },
    );
    assert.equal(revised.revision, 2);
    assert.equal(revised.earlier[0].comment, comment);
    const { rating: read } = await unary(feedback, 'GetRating', { name: rating.name }, { auth: FRONT_DESK });
    assert.equal(read.scores.overall, 5);
  });

  it('files a complaint that the supplier acknowledges, answers and resolves', async () => {
    const { feedback: complaint } = await unary(
      feedback,
      'SubmitFeedback',
      { kind: 'FEEDBACK_KIND_COMPLAINT', handoff: state.toConsult, title: '预约时间没写', body: '患者的预约时间没有填写，只好再打电话。' },
      { auth: CONSULT },
    );
    assert.equal(complaint.state, 'FEEDBACK_STATE_OPEN');
    assert.equal(complaint.addressee_team, 'teams/front-desk');
    // Only the addressee acknowledges.
    await expectCode(
      unary(feedback, 'AcknowledgeFeedback', { name: complaint.name }, { auth: CONSULT }),
      grpc.status.PERMISSION_DENIED,
    );
    await unary(feedback, 'AcknowledgeFeedback', { name: complaint.name }, { auth: FRONT_DESK });
    const answer = '已改为必填项，谢谢提醒';
    await unary(feedback, 'RespondToFeedback', { name: complaint.name, text: answer }, { auth: FRONT_DESK });
    const { feedback: resolved } = await unary(feedback, 'ResolveFeedback', { name: complaint.name }, { auth: FRONT_DESK });
    assert.equal(resolved.state, 'FEEDBACK_STATE_RESOLVED');
    assert.equal(resolved.replies.length, 1);
    assert.equal(resolved.replies[0].text, answer);
    const { feedback: read } = await unary(feedback, 'GetFeedback', { name: complaint.name }, { auth: CONSULT });
    assert.equal(read.title, '预约时间没写');
    await expectCode(
      unary(feedback, 'GetFeedback', { name: complaint.name }, { auth: TREATMENT }),
      grpc.status.PERMISSION_DENIED,
    );
  });

  it('streams the event log from 0 in order to a service', async () => {
    // Members may not read the log.
    await expectCode(readEvents(CONSULT, 1), grpc.status.PERMISSION_DENIED);

    const expected = [
      ['department_created', (p) => assert.equal(p.display_name, DEPARTMENT_NAME)],
      ['team_created', (p) => assert.equal(p.display_name, '前台接待')],
      ['team_created', (p) => assert.equal(p.display_name, '面诊')],
      ['team_created', (p) => assert.equal(p.display_name, '治疗')],
      ['chain_created', (p) => assert.equal(p.display_name, CHAIN_NAME)],
      ['work_item_created', (p, e) => {
        assert.equal(p.name, state.item);
        assert.equal(e.actor.subject, 'crm');
        assert.equal(e.actor.team, 'teams/front-desk');
      }],
      ['handoff_offered', (p) => assert.equal(p.name, state.toConsult)],
      ['handoff_accepted', (p) => assert.equal(p.name, state.toConsult)],
      ['handoff_offered', (p) => assert.equal(p.name, state.toTreatmentReturned)],
      ['handoff_returned', (p) => assert.equal(p.name, state.toTreatmentReturned)],
      ['handoff_offered', (p) => {
        assert.equal(p.name, state.toTreatment);
        assert.equal(p.attempt, 2);
      }],
      ['handoff_accepted', (p) => assert.equal(p.name, state.toTreatment)],
      ['work_item_completed', (p) => assert.equal(p.state, 'WORK_ITEM_STATE_COMPLETED')],
    ];
    const events = await readEvents(SERVICE, expected.length);
    assert.equal(events.length, expected.length);
    events.forEach((event, i) => {
      assert.equal(event.sequence, String(i + 1), `sequence of event ${i}`);
      const [kind, check] = expected[i];
      assert.equal(event.payload, kind, `payload of event ${i + 1}`);
      check(event[kind], event);
    });

    // From the middle: only what follows.
    const tail = await readEvents(SERVICE, 2, '11');
    assert.deepEqual(
      tail.map((e) => [e.sequence, e.payload]),
      [['12', 'handoff_accepted'], ['13', 'work_item_completed']],
    );
  });

  it('reads the scores, a scorecard, the scoreboard and the funnel from the rating service', async () => {
    // The rating service applies both logs asynchronously: ask (bounded)
    // until the revised rating (overall 5) shows in the handoff's score.
    let score = null;
    const until = Date.now() + STREAM_DEADLINE_MS;
    while (Date.now() < until) {
      score = (await unary(rating, 'GetHandoffScore', { handoff: state.toConsult }, { auth: TREATMENT })
        .catch(() => ({ score: null }))).score;
      if (score?.rating_part === 100) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // R 100 (overall 5), F 100 (first attempt), T 100 (on time).
    assert.equal(score?.rating_part, 100, 'the revised rating reached the rating service');
    assert.equal(score.quality, 100);
    assert.equal(score.supplier_team, 'teams/front-desk');

    // Consultation's two handoffs to treatment: one returned (scored as
    // attempt 2, unrated: q = (0.3·50 + 0.2·100) / 0.5 = 70), one accepted
    // at attempt 2 (the same 70).
    const { scorecard } = await unary(rating, 'GetTeamScorecard', { team: 'teams/consultation' }, { auth: TREATMENT });
    assert.equal(scorecard.department, 'departments/clinic');
    assert.equal(scorecard.as_supplier.decided, '2');
    assert.equal(scorecard.as_supplier.returns, '1');
    assert.equal(scorecard.as_supplier.mean_quality, 70);

    // The department's mean is (100 + 70 + 70) / 3 = 80; with the prior
    // (C = 10) front desk scores (800 + 100) / 11, consultation (800 + 140) / 12.
    const { scoreboard } = await unary(
      rating,
      'GetDepartmentScoreboard',
      { department: 'departments/clinic', order: 'SCOREBOARD_ORDER_SCORE' },
      { auth: TREATMENT },
    );
    assert.deepEqual(
      scoreboard.rows.map((row) => [row.rank, row.team, row.display_name]),
      [[1, 'teams/front-desk', '前台接待'], [2, 'teams/consultation', '面诊'], [3, 'teams/treatment', '治疗']],
    );
    assert.ok(Math.abs(scoreboard.rows[0].as_supplier.score - 900 / 11) < 1e-9);
    assert.ok(Math.abs(scoreboard.department_mean - 80) < 1e-9);

    const { funnel } = await unary(rating, 'GetChainFunnel', { chain: 'chains/visit' }, { auth: TREATMENT });
    assert.deepEqual(funnel.stages.map((s) => [s.entered, s.passed]), [['1', '1'], ['1', '1'], ['1', '1']]);
    assert.equal(funnel.overall_conversion, 1);

    await expectCode(
      unary(rating, 'GetTeamScorecard', { team: 'front-desk', window: { start_day: '2026-02-30' } }, { auth: TREATMENT }),
      grpc.status.INVALID_ARGUMENT,
      /team/,
    );
  });

  it('exits with code 0 on SIGTERM', async () => {
    handoff.close();
    health.close();
    sigtermSent = true;
    assert.ok(server.kill('SIGTERM'), `SIGTERM delivered (batond still running):\n${serverLog}`);
    const { code, signal } = await withTimeout(serverExit, SHUTDOWN_WAIT_MS, 'batond shutdown');
    assert.equal(signal, null, `batond died of ${signal}:\n${serverLog}`);
    assert.equal(code, 0, `batond exit code:\n${serverLog}`);
  });
});

// Reads `count` events after `after` from StreamEvents (which then tails the
// log live), cancels the stream and resolves with them. Rejects with the
// call's error when the server ends it first.
function readEvents(auth, count, after = '0') {
  return new Promise((resolve, reject) => {
    const events = [];
    let settled = false;
    const call = handoff.StreamEvents({ after_sequence: after }, metadataFor(auth), {
      deadline: deadline(STREAM_DEADLINE_MS),
    });
    call.on('data', (res) => {
      if (settled) return;
      events.push(res.event);
      if (events.length === count) {
        settled = true;
        call.cancel();
        resolve(events);
      }
    });
    call.on('error', (err) => {
      if (settled) return; // our own cancel
      settled = true;
      reject(err);
    });
    call.on('end', () => {
      if (settled) return;
      settled = true;
      reject(new Error(`stream ended after ${events.length} of ${count} events`));
    });
  });
}
