// Small pieces every page uses: amounts, grade badges, figures, notices of problems and transactions.
import type { ReactNode } from 'react'
import { ApiProblem } from '../api/problem'
import { describeApiRevert, explainChainError } from '../chain/reverts'
import type { TxState } from '../chain/tx'
import { gradeLetter } from '../lib/grades'
import { big, formatBps } from '../lib/money'
import { usePortal } from '../portal'

export function Money(props: { value: bigint | string | null | undefined }) {
  const { money } = usePortal()
  if (props.value === null || props.value === undefined) return <span className="muted">—</span>
  return <span className="money">{money(big(props.value))}</span>
}

export function Rate(props: { bps: number | bigint }) {
  return <span className="rate">{formatBps(props.bps)}</span>
}

export function GradeBadge(props: { grade: number }) {
  const letter = gradeLetter(props.grade)
  return (
    <span className={`grade grade-${letter.toLowerCase()}`} title={`Risk grade ${letter} (A lowest risk, G highest)`}>
      {letter}
    </span>
  )
}

export function StatusBadge(props: { status: string }) {
  return <span className={`status status-${props.status}`}>{props.status.replace(/_/g, ' ')}</span>
}

export function Figure(props: { label: string; children: ReactNode; hint?: string; testId?: string }) {
  return (
    <div className="figure" data-testid={props.testId}>
      <div className="figure-label">{props.label}</div>
      <div className="figure-value">{props.children}</div>
      {props.hint ? <div className="figure-hint">{props.hint}</div> : null}
    </div>
  )
}

export function Card(props: { title?: ReactNode; children: ReactNode; className?: string; testId?: string }) {
  return (
    <section className={`card ${props.className ?? ''}`} data-testid={props.testId}>
      {props.title ? <h2>{props.title}</h2> : null}
      {props.children}
    </section>
  )
}

/** An error from the API (problem details) or the chain, as the person who caused it should read it. */
export function ProblemNotice(props: { error: unknown; title?: string }) {
  const { errors, money } = usePortal()
  if (!props.error) return null
  const error = props.error
  let text: string
  let fields: string[] = []
  if (error instanceof ApiProblem) {
    const revert = error.body.revert
    text = revert ? describeApiRevert(revert, money) : (error.detail ?? error.title)
    fields = (error.body.errors ?? []).map((e) => {
      const name = e.field ?? e.loc?.slice(1).join('.') ?? ''
      return `${name}: ${e.message ?? e.msg ?? e.code ?? ''}`
    })
  } else {
    text = explainChainError(error, errors, money)
  }
  return (
    <div className="notice notice-error" role="alert">
      {props.title ? <strong>{props.title}: </strong> : null}
      {text}
      {fields.length > 0 ? (
        <ul>
          {fields.map((field) => (
            <li key={field}>{field}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

export function TxNotice(props: { state: TxState }) {
  const { state } = props
  switch (state.phase) {
    case 'idle':
      return null
    case 'checking':
      return <div className="notice">{state.label}: checking with the chain…</div>
    case 'signing':
      return <div className="notice">{state.label}: confirm in your wallet…</div>
    case 'pending':
      return (
        <div className="notice">
          {state.label}: waiting for the transaction <code>{state.hash.slice(0, 10)}…</code>
        </div>
      )
    case 'done':
      return (
        <div className="notice notice-ok" role="status">
          {state.label}: done{state.hash !== '0x' ? <> (transaction <code>{state.hash.slice(0, 10)}…</code>)</> : null}.
        </div>
      )
    case 'failed':
      return (
        <div className="notice notice-error" role="alert">
          {state.label}: {state.message}
        </div>
      )
  }
}

export function Loading(props: { what?: string }) {
  return <p className="muted">Loading{props.what ? ` ${props.what}` : ''}…</p>
}

export function Progress(props: { part: bigint; whole: bigint; label: string }) {
  const percent = props.whole === 0n ? 0 : Number((props.part * 1000n) / props.whole) / 10
  return (
    <div className="progress" role="progressbar" aria-label={props.label} aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
      <div className="progress-bar" style={{ width: `${Math.min(100, percent)}%` }} />
      <span className="progress-text">{percent.toFixed(1)}%</span>
    </div>
  )
}
