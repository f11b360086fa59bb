// The AML queue (compliance): cases by status (GET /v2/aml/cases), and a case with the person's wallets
// (frozen or not), its alerts with the transactions that raised them, its dispositions and the signed
// report. Closing as a false positive and escalating take effect at once; a freeze or a report is a
// proposal a second compliance officer approves or rejects (the API refuses the proposer: aml-four-eyes).
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link, useParams } from 'react-router'
import {
  type Action,
  ACTIONS,
  type Alert,
  type AmlCaseDetail,
  CASE_STATUSES,
  caseReport,
  type Disposition,
  filedReport,
  RULES,
  type SignedExport,
  useAmlCase,
  useAmlCases,
} from '../../api/aml'
import { api, saveFile } from '../../api/client'
import { Card, Loading, Money, ProblemNotice, StatusBadge } from '../../components/ui'
import { formatDateTime, shortAddress } from '../../lib/time'
import { SectionProblem } from './access'
import { Pager, useCursorPages } from '../../components/pager'

export default function AmlQueue() {
  const params = useParams()
  const selected = params['*'] || ''
  return /^\d+$/.test(selected) ? <CaseView caseId={Number(selected)} /> : <Queue />
}

function Queue() {
  const [status, setStatus] = useState('open')
  const pages = useCursorPages()
  const cases = useAmlCases(status, pages.cursor)
  return (
    <Card title="AML cases" testId="aml-cases">
      <div className="filters">
        <label>
          Status
          <select
            name="caseStatus"
            value={status}
            onChange={(e) => {
              pages.reset()
              setStatus(e.target.value)
            }}
          >
            <option value="">any</option>
            {CASE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {cases.error ? (
        <SectionProblem error={cases.error} />
      ) : !cases.data ? (
        <Loading what="cases" />
      ) : cases.data.items.length === 0 ? (
        <p className="muted">No {status} cases.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Case</th>
              <th>Status</th>
              <th>Score</th>
              <th>Alerts</th>
              <th>Person</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {cases.data.items.map((c) => (
              <tr key={c.id} data-testid="aml-case-row">
                <td data-label="Case">
                  <Link to={`/operator/aml/${c.id}`}>Case {c.id}</Link>
                </td>
                <td data-label="Status">
                  <StatusBadge status={c.status} />
                </td>
                <td data-label="Score">{c.score}</td>
                <td data-label="Alerts">{c.alertCount}</td>
                <td data-label="Person">
                  <code title={c.subjectKey}>{c.subjectKey.slice(0, 12)}…</code>
                </td>
                <td data-label="Updated">{formatDateTime(c.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager pages={pages} nextCursor={cases.data?.nextCursor} labels={['Newer', 'Older']} />
    </Card>
  )
}

function CaseView(props: { caseId: number }) {
  const detail = useAmlCase(props.caseId)
  if (detail.error) return <SectionProblem error={detail.error} />
  if (!detail.data) return <Loading what={`case ${props.caseId}`} />
  const c = detail.data
  const proposed = c.dispositions.filter((d) => d.status === 'proposed')
  const settled = c.status === 'closed' || c.status === 'reported'
  return (
    <>
      <p>
        <Link to="/operator/aml">← Cases</Link>
      </p>
      <Card title={`Case ${c.id}`} testId="aml-case">
        <dl className="details">
          <dt>Status</dt>
          <dd data-testid="aml-case-status">
            <StatusBadge status={c.status} />
          </dd>
          <dt>Score</dt>
          <dd>{c.score} of 100</dd>
          <dt>Person</dt>
          <dd>
            <code>{c.subjectKey}</code>
          </dd>
          <dt>Opened</dt>
          <dd>{formatDateTime(c.openedAt)}</dd>
          {c.closedAt ? (
            <>
              <dt>Closed</dt>
              <dd>{formatDateTime(c.closedAt)}</dd>
            </>
          ) : null}
          {c.narrative ? (
            <>
              <dt>Narrative</dt>
              <dd>{c.narrative}</dd>
            </>
          ) : null}
        </dl>
        <h3>Wallets</h3>
        <table className="table" data-testid="aml-wallets">
          <thead>
            <tr>
              <th>Wallet</th>
              <th>On the chain</th>
            </tr>
          </thead>
          <tbody>
            {c.wallets.map((w) => (
              <tr key={w.wallet} data-testid="aml-wallet">
                <td data-label="Wallet">
                  <code>{w.wallet}</code>
                </td>
                <td data-label="On the chain" className={w.frozen ? 'state-late' : ''}>
                  {w.frozen ? 'frozen' : 'not frozen'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <ReportExport caseId={c.id} />
      </Card>
      <Card title={`Alerts (${c.alerts.length})`}>
        {c.alerts.map((alert) => (
          <AlertCard key={alert.id} alert={alert} />
        ))}
      </Card>
      <Card title="Dispositions" testId="aml-dispositions">
        {c.dispositions.length === 0 ? <p className="muted">None yet.</p> : <Dispositions dispositions={c.dispositions} />}
        {proposed.map((d) => (
          <Decide key={d.id} disposition={d} />
        ))}
        {!settled && proposed.length === 0 ? <Propose amlCase={c} /> : null}
      </Card>
    </>
  )
}

function AlertCard(props: { alert: Alert }) {
  const a = props.alert
  const details = Object.entries(a.details).filter(([, v]) => v !== null && typeof v !== 'object')
  return (
    <article className="card inner" data-testid="aml-alert">
      <h3>
        {RULES[a.rule] ?? a.rule} · score {a.score} · <Money value={a.amount} /> <StatusBadge status={a.status} />
      </h3>
      <p className="muted small">
        {a.chainTime ? `Chain time ${formatDateTime(a.chainTime)}, block ${a.blockNumber}` : `Raised ${formatDateTime(a.createdAt)}`}
        {a.wallet ? <> · wallet <code>{shortAddress(a.wallet)}</code></> : null}
        {details.length > 0 ? ` · ${details.map(([k, v]) => `${k} ${String(v)}`).join(', ')}` : ''}
      </p>
      {a.transactions.length > 0 ? (
        <table className="table" data-testid="aml-transactions">
          <thead>
            <tr>
              <th>When (chain)</th>
              <th>Kind</th>
              <th>Wallet</th>
              <th>Amount</th>
              <th>Transaction</th>
            </tr>
          </thead>
          <tbody>
            {a.transactions.map((t) => (
              <tr key={`${t.txHash}:${t.logIndex}`} data-testid="aml-transaction">
                <td data-label="When (chain)">{formatDateTime(t.timestamp)}</td>
                <td data-label="Kind">{t.kind.replace(/_/g, ' ')}</td>
                <td data-label="Wallet">
                  <code title={t.wallet}>{shortAddress(t.wallet)}</code>
                </td>
                <td data-label="Amount">
                  <Money value={t.amount} />
                </td>
                <td data-label="Transaction">
                  <code title={t.txHash}>
                    {t.txHash.slice(0, 10)}… #{t.logIndex}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </article>
  )
}

function Dispositions(props: { dispositions: Disposition[] }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Action</th>
          <th>Status</th>
          <th>Proposed</th>
          <th>Decided</th>
          <th>Outcome</th>
        </tr>
      </thead>
      <tbody>
        {props.dispositions.map((d) => (
          <tr key={d.id} data-testid="aml-disposition">
            <td data-label="Action">{d.action.replace(/_/g, ' ')}</td>
            <td data-label="Status">
              <StatusBadge status={d.status} />
            </td>
            <td data-label="Proposed">
              {d.proposedBy}, {formatDateTime(d.proposedAt)}
              {d.reason ? <div className="small">“{d.reason}”</div> : null}
            </td>
            <td data-label="Decided">
              {d.decidedBy ? (
                <>
                  {d.decidedBy}, {formatDateTime(d.decidedAt)}
                  {d.decisionReason ? <div className="small">“{d.decisionReason}”</div> : null}
                </>
              ) : (
                '—'
              )}
            </td>
            <td data-label="Outcome">
              <Outcome disposition={d} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Outcome(props: { disposition: Disposition }) {
  const d = props.disposition
  if (d.error) return <span className="state-late">{d.error}</span>
  if (d.action === 'report' && typeof d.outcome.reportId === 'number') return <FiledReport reportId={d.outcome.reportId} />
  const entries = Object.entries(d.outcome)
  if (d.action === 'freeze' && entries.length > 0) {
    return (
      <span>
        {entries.map(([wallet, tx]) => (
          <div key={wallet} className="small">
            <code>{shortAddress(wallet)}</code> frozen in <code>{String(tx).slice(0, 10)}…</code>
          </div>
        ))}
      </span>
    )
  }
  return <span className="muted">—</span>
}

/** The second officer's decision on a proposed freeze or report, with a reason. */
function Decide(props: { disposition: Disposition }) {
  const d = props.disposition
  const queryClient = useQueryClient()
  const [reason, setReason] = useState('')
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      api.post<Disposition>(`/v2/aml/dispositions/${d.id}/${decision}`, { reason }, { auth: 'operator' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['operator'] }),
  })
  return (
    <div className="card inner" data-testid="aml-decide">
      <h3>
        Proposed by {d.proposedBy}: {d.action}
      </h3>
      <p className="muted small">
        A second compliance officer decides: approving makes it take effect
        {d.action === 'freeze' ? ' (every wallet of the person is frozen on the chain)' : ' (the report is filed)'}.
      </p>
      <label>
        Reason for the decision
        <textarea name="decisionReason" rows={2} minLength={10} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <div className="actions">
        <button type="button" className="button primary" disabled={reason.trim().length < 10 || decide.isPending} onClick={() => decide.mutate('approve')}>
          Approve
        </button>
        <button type="button" className="button danger" disabled={reason.trim().length < 10 || decide.isPending} onClick={() => decide.mutate('reject')}>
          Reject
        </button>
      </div>
      <ProblemNotice error={decide.error} />
    </div>
  )
}

function Propose(props: { amlCase: AmlCaseDetail }) {
  const queryClient = useQueryClient()
  const [action, setAction] = useState<Action>('freeze')
  const propose = useMutation({
    mutationFn: (body: { action: Action; reason: string; narrative: string | null }) =>
      api.post<Disposition>(`/v2/aml/cases/${props.amlCase.id}/dispositions`, body, { auth: 'operator' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['operator'] }),
  })
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const narrative = String(form.get('narrative') ?? '').trim()
    propose.mutate({ action, reason: String(form.get('reason') ?? '').trim(), narrative: action === 'report' && narrative ? narrative : null })
  }
  const escalated = props.amlCase.status === 'escalated'
  return (
    <form className="form" onSubmit={submit} aria-label="Disposition">
      <h3>Dispose of the case</h3>
      <fieldset>
        <legend>Action</legend>
        {(Object.keys(ACTIONS) as Action[])
          .filter((a) => !(escalated && a === 'escalate'))
          .map((a) => (
            <label key={a} className="check">
              <input type="radio" name="action" value={a} checked={action === a} onChange={() => setAction(a)} />
              {ACTIONS[a]}
            </label>
          ))}
      </fieldset>
      <label>
        Reason (at least 10 characters, kept encrypted)
        <textarea name="reason" rows={2} minLength={10} maxLength={2000} required />
      </label>
      {action === 'report' ? (
        <label>
          Narrative of the report
          <textarea name="narrative" rows={4} minLength={10} maxLength={20_000} required />
        </label>
      ) : null}
      <button type="submit" className="button primary" disabled={propose.isPending}>
        {action === 'freeze' || action === 'report' ? 'Propose' : 'Record'}
      </button>
      <ProblemNotice error={propose.error} />
    </form>
  )
}

function SignatureLine(props: { exported: SignedExport }) {
  const e = props.exported
  return (
    <p className="small" data-testid="report-signature">
      Saved <code>{e.file.filename}</code>: SHA-256 <code>{e.sha256 ?? '—'}</code>, signed by <code>{e.signer ?? '—'}</code>{' '}
      (EIP-191 over the digest; <code>peerlend aml verify</code> checks it).
    </p>
  )
}

function ReportExport(props: { caseId: number }) {
  const [exported, setExported] = useState<SignedExport | null>(null)
  const exportReport = useMutation({
    mutationFn: (format: 'json' | 'csv') => caseReport(props.caseId, format),
    onSuccess: (result) => {
      saveFile(result.file)
      setExported(result)
    },
  })
  return (
    <div data-testid="report-export">
      <h3>Suspicious-transaction report</h3>
      <div className="actions">
        <button type="button" className="button" disabled={exportReport.isPending} onClick={() => exportReport.mutate('json')}>
          Export report (JSON)
        </button>
        <button type="button" className="button" disabled={exportReport.isPending} onClick={() => exportReport.mutate('csv')}>
          Export report (CSV)
        </button>
      </div>
      {exported ? <SignatureLine exported={exported} /> : null}
      <ProblemNotice error={exportReport.error} />
    </div>
  )
}

function FiledReport(props: { reportId: number }) {
  const [exported, setExported] = useState<SignedExport | null>(null)
  const download = useMutation({
    mutationFn: () => filedReport(props.reportId),
    onSuccess: (result) => {
      saveFile(result.file)
      setExported(result)
    },
  })
  return (
    <span>
      <button type="button" className="button link" disabled={download.isPending} onClick={() => download.mutate()}>
        Filed report {props.reportId}
      </button>
      {exported ? <SignatureLine exported={exported} /> : null}
      <ProblemNotice error={download.error} />
    </span>
  )
}
