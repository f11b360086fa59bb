// The collections queue (GET /v2/admin/collections/cases): a case per episode of a loan's lateness, tiered
// M1/M2/M3 by days past due on the chain's clock, oldest first; and one case with its tier history, its
// SLAs (first contact, formal notice, legal referral), the notices the borrower was sent, the contact log
// (notes decrypted for the reader; the read is audited) and promises to pay. Collectors work the cases
// assigned to them; supervisors see every case and assign them by the collector's key id.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link, useParams } from 'react-router'
import { api } from '../../api/client'
import {
  type CaseDetail,
  type CaseFilters,
  CHANNELS,
  OUTCOMES,
  REASONS,
  REQUIREMENTS,
  tierName,
  useCollectionCase,
  useCollectionCases,
  useCollectionFigures,
} from '../../api/collections'
import { useIdempotencyKey } from '../../api/idempotency'
import { Card, Figure, Loading, Money, ProblemNotice, StatusBadge } from '../../components/ui'
import { formatBps, parseAmountInput } from '../../lib/money'
import { formatDateTime, shortAddress } from '../../lib/time'
import { usePortal } from '../../portal'
import { SectionProblem } from './access'
import { Pager, useCursorPages } from '../../components/pager'

export default function CollectionsQueue() {
  const params = useParams()
  const selected = params['*'] || null
  return selected && /^\d+$/.test(selected) ? <WorkedCase caseId={Number(selected)} /> : <Queue />
}

function Queue() {
  const [filters, setFilters] = useState<CaseFilters>({ state: 'open' })
  const pages = useCursorPages()
  const cases = useCollectionCases(filters, pages.cursor)
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const next: CaseFilters = {}
    for (const name of ['state', 'tier', 'unassigned'] as const) {
      const value = String(form.get(name) ?? '')
      if (value) next[name] = value
    }
    pages.reset()
    setFilters(next)
  }
  return (
    <>
      <Card title="Collections" testId="collections-queue">
        <form className="filters" onSubmit={apply} aria-label="Filter cases">
          <label>
            State
            <select name="state" defaultValue="open">
              <option value="">any</option>
              <option value="open">open</option>
              <option value="closed">closed</option>
            </select>
          </label>
          <label>
            Tier
            <select name="tier" defaultValue="">
              <option value="">any</option>
              <option value="1">M1 (1–30 days)</option>
              <option value="2">M2 (31–90 days)</option>
              <option value="3">M3 (more than 90 days)</option>
            </select>
          </label>
          <label>
            Assignment (supervisors)
            <select name="unassigned" defaultValue="">
              <option value="">any</option>
              <option value="true">unassigned</option>
              <option value="false">assigned</option>
            </select>
          </label>
          <button type="submit" className="button">
            Filter
          </button>
        </form>
        {cases.error ? (
          <SectionProblem error={cases.error} />
        ) : !cases.data ? (
          <Loading what="the cases" />
        ) : cases.data.items.length === 0 ? (
          <p className="muted">No cases here. A collector sees only the cases assigned to them.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Case</th>
                <th>Tier</th>
                <th>Days past due</th>
                <th>Borrower</th>
                <th>Late since</th>
                <th>Assigned to</th>
                <th>SLA</th>
              </tr>
            </thead>
            <tbody>
              {cases.data.items.map((c) => (
                <tr key={c.id} data-testid="collection-case-row" data-loan={c.loanId}>
                  <td data-label="Case">
                    <Link to={`/operator/collections/${c.id}`}>#{c.id}</Link> · loan #{c.loanId}
                  </td>
                  <td data-label="Tier">
                    {tierName(c.tier)}
                    {c.state === 'closed' ? ` (closed: ${c.resolution ?? c.closeReason ?? 'closed'})` : ''}
                  </td>
                  <td data-label="Days past due">{c.daysPastDue}</td>
                  <td data-label="Borrower">
                    <code title={c.borrower}>{shortAddress(c.borrower)}</code>
                  </td>
                  <td data-label="Late since">{formatDateTime(c.lateSince)}</td>
                  <td data-label="Assigned to">{c.assignee ?? <span className="muted">nobody</span>}</td>
                  <td data-label="SLA" className={c.slaBreached ? 'state-late' : ''}>
                    {c.slaBreached ? 'breached' : 'on time'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager pages={pages} nextCursor={cases.data?.nextCursor} labels={['Earlier', 'Later']} />
      </Card>
      <Figures />
    </>
  )
}

function Figures() {
  const figures = useCollectionFigures()
  if (figures.error) return null // the queue above says what the key may not read
  if (!figures.data) return <Loading what="the collection figures" />
  const f = figures.data
  const rate = (bps: number | null) => (bps === null ? '—' : formatBps(bps))
  const hours = (seconds: number | null) => (seconds === null ? '—' : `${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min`)
  return (
    <Card title="Collection figures" testId="collection-figures">
      <p className="muted small">At chain time {formatDateTime(f.asOf)}.</p>
      <div className="figures">
        <Figure label="Cases" hint={`${f.open} open`}>
          {f.cases}
        </Figure>
        <Figure label="Promises kept" hint={`${f.promisesKept} kept, ${f.promisesBroken} broken`}>
          {rate(f.promiseKeptRateBps)}
        </Figure>
        <Figure label="Time to first contact" hint={`median, of ${f.contacted} contacted`}>
          {hours(f.medianFirstContactSeconds)}
        </Figure>
        {f.cureByTier.map((t) => (
          <Figure key={t.tier} label={`Cured, deepest tier ${tierName(t.tier)}`} hint={`${t.cured} of ${t.cases - t.open} closed`}>
            {rate(t.cureRateBps)}
          </Figure>
        ))}
      </div>
    </Card>
  )
}

type Action =
  | { path: 'contacts'; body: { channel: string; outcome: string; reason: string | null; note: string | null } }
  | { path: 'promises'; body: { amount: string; promisedFor: string } }
  | { path: 'assignment'; body: { assignee: string | null } }
  | { path: 'legal-referral'; body: undefined }

function WorkedCase(props: { caseId: number }) {
  const detail = useCollectionCase(props.caseId)
  const queryClient = useQueryClient()
  const { stablecoin } = usePortal()
  const [key, settle] = useIdempotencyKey()
  const [inputProblem, setInputProblem] = useState<string | null>(null)
  const act = useMutation({
    mutationFn: (action: Action) =>
      api.post<CaseDetail>(`/v2/admin/collections/cases/${props.caseId}/${action.path}`, action.body, {
        auth: 'operator',
        idempotencyKey: action.path === 'contacts' || action.path === 'promises' ? key : undefined,
      }),
    onSettled: (_data, error) => settle(error),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['operator'] }),
  })

  if (detail.error) return <SectionProblem error={detail.error} />
  if (!detail.data) return <Loading what={`case #${props.caseId}`} />
  const c = detail.data
  const open = c.state === 'open'

  const logContact = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    const data = new FormData(form)
    const note = String(data.get('note') ?? '').trim()
    const reason = String(data.get('reason') ?? '')
    act.mutate(
      { path: 'contacts', body: { channel: String(data.get('channel')), outcome: String(data.get('outcome')), reason: reason || null, note: note || null } },
      { onSuccess: () => form.reset() },
    )
  }
  const promise = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    const data = new FormData(form)
    const amount = parseAmountInput(String(data.get('amount') ?? ''), stablecoin.decimals)
    const day = String(data.get('promisedFor') ?? '')
    if (amount === null || amount === 0n) return setInputProblem(`The amount is a number of ${stablecoin.symbol} with at most ${stablecoin.decimals} decimals.`)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return setInputProblem('Choose the day it is to be paid by.')
    setInputProblem(null)
    act.mutate({ path: 'promises', body: { amount: amount.toString(), promisedFor: day } }, { onSuccess: () => form.reset() })
  }
  const assign = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const assignee = String(new FormData(event.currentTarget).get('assignee') ?? '').trim()
    act.mutate({ path: 'assignment', body: { assignee: assignee || null } })
  }

  return (
    <Card title={`Collection case #${c.id}`} testId="collection-case">
      <p>
        <Link to="/operator/collections">← Queue</Link>
      </p>
      <dl className="details">
        <dt>Loan</dt>
        <dd>
          <Link to={`/loans/${c.loanId}`}>#{c.loanId}</Link>
        </dd>
        <dt>Borrower</dt>
        <dd>
          <code>{c.borrower}</code>
        </dd>
        <dt>State</dt>
        <dd data-testid="collection-case-state">
          <StatusBadge status={c.state} />
          {c.resolution ? ` · ${c.resolution}` : ''}
          {c.closeReason ? ` · ${c.closeReason.replace(/_/g, ' ')}` : ''}
        </dd>
        <dt>Tier</dt>
        <dd data-testid="collection-case-tier">
          {tierName(c.tier)}, {c.daysPastDue} days past due (deepest {tierName(c.maxTier)})
        </dd>
        <dt>Late since</dt>
        <dd>{formatDateTime(c.lateSince)} (chain time)</dd>
        <dt>Assigned to</dt>
        <dd>{c.assignee ? `${c.assignee}, ${formatDateTime(c.assignedAt)}` : 'nobody'}</dd>
        <dt>Legal referral</dt>
        <dd>{c.legalReferredAt ? formatDateTime(c.legalReferredAt) : '—'}</dd>
      </dl>

      <h3>Deadlines</h3>
      <table className="table" data-testid="collection-slas">
        <thead>
          <tr>
            <th>Tier</th>
            <th>What</th>
            <th>Due by</th>
            <th>Met</th>
          </tr>
        </thead>
        <tbody>
          {c.slas.map((s) => (
            <tr key={`${s.tier}:${s.requirement}`} data-testid="collection-sla" className={s.breached ? 'state-late' : ''}>
              <td data-label="Tier">{tierName(s.tier)}</td>
              <td data-label="What">{REQUIREMENTS[s.requirement] ?? s.requirement}</td>
              <td data-label="Due by">{formatDateTime(s.dueAt)}</td>
              <td data-label="Met">
                {s.metAt ? formatDateTime(s.metAt) : 'not yet'}
                {s.breached ? ' (breached)' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>History</h3>
      <ul className="small" data-testid="collection-history">
        {c.tiers.map((t) => (
          <li key={`${t.toTier}:${t.enteredAt}`}>
            {formatDateTime(t.enteredAt)}: {tierName(t.fromTier)} → {tierName(t.toTier)} at {t.daysPastDue} days past due
          </li>
        ))}
        {c.notices.map((n) => (
          <li key={`${n.tier}:${n.kind}`}>
            {formatDateTime(n.decidedAt)}: notice “{n.kind.replace(/_/g, ' ')}” to the borrower ({n.status})
          </li>
        ))}
      </ul>

      <h3>Contacts</h3>
      {c.contacts.length === 0 ? (
        <p className="muted">Nobody has contacted the borrower yet.</p>
      ) : (
        <ol className="thread" aria-label="Contacts">
          {c.contacts.map((contact) => (
            <li key={contact.id} className="thread-platform" data-testid="collection-contact">
              <div className="thread-head">
                {formatDateTime(contact.contactedAt)} · {CHANNELS[contact.channel] ?? contact.channel} · {OUTCOMES[contact.outcome] ?? contact.outcome}
                {contact.reason ? ` · ${REASONS[contact.reason] ?? contact.reason}` : ''} · {contact.operator}
              </div>
              {contact.note ? <p className="thread-text">{contact.note}</p> : null}
            </li>
          ))}
        </ol>
      )}
      {open ? (
        <form className="form" onSubmit={logContact} aria-label="Log a contact">
          <label>
            Channel
            <select name="channel" defaultValue="phone">
              {Object.entries(CHANNELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Outcome
            <select name="outcome" defaultValue="reached">
              {Object.entries(OUTCOMES).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Why the borrower is late (if found out)
            <select name="reason" defaultValue="">
              <option value="">not known</option>
              {Object.entries(REASONS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Note (stored encrypted)
            <textarea name="note" rows={2} maxLength={50_000} />
          </label>
          <button type="submit" className="button primary" disabled={act.isPending}>
            Log contact
          </button>
        </form>
      ) : null}

      <h3>Promises to pay</h3>
      {c.promises.length === 0 ? (
        <p className="muted">No promise to pay.</p>
      ) : (
        <table className="table" data-testid="collection-promises">
          <thead>
            <tr>
              <th>Amount</th>
              <th>By the end of</th>
              <th>Status</th>
              <th>Paid</th>
            </tr>
          </thead>
          <tbody>
            {c.promises.map((p) => (
              <tr key={p.id} data-testid="collection-promise">
                <td data-label="Amount">
                  <Money value={p.amount} />
                </td>
                <td data-label="By the end of">{p.promisedFor} (UTC)</td>
                <td data-label="Status">
                  <StatusBadge status={p.status} />
                </td>
                <td data-label="Paid">
                  <Money value={p.paid} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && !c.promises.some((p) => p.status === 'open') ? (
        <form className="form" onSubmit={promise} aria-label="Record a promise to pay">
          <label>
            Amount ({stablecoin.symbol})
            <input name="amount" inputMode="decimal" autoComplete="off" required />
          </label>
          <label>
            To be paid by the end of (UTC day, chain time)
            <input name="promisedFor" type="date" required />
          </label>
          <button type="submit" className="button" disabled={act.isPending}>
            Record promise
          </button>
          {inputProblem ? <p className="field-error">{inputProblem}</p> : null}
        </form>
      ) : null}

      {open ? (
        <>
          <h3>Supervisor and escalation</h3>
          <form className="form inline" onSubmit={assign} aria-label="Assign the case">
            <label>
              Collector's key id (empty: unassign)
              <input name="assignee" defaultValue={c.assignee ?? ''} maxLength={32} pattern="[A-Za-z0-9_\-]*" autoComplete="off" />
            </label>
            <button type="submit" className="button" disabled={act.isPending}>
              Assign
            </button>
          </form>
          {c.tier === 3 && !c.legalReferredAt ? (
            <button type="button" className="button" disabled={act.isPending} onClick={() => act.mutate({ path: 'legal-referral', body: undefined })}>
              Refer for legal action
            </button>
          ) : null}
        </>
      ) : null}
      <ProblemNotice error={act.error} />
    </Card>
  )
}
