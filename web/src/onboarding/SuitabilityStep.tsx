// The suitability questionnaire (POST /v2/suitability): its answers give the investor risk class 1-5
// that the KYC attestation carries on-chain, and that decides which grades the wallet may fund.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { api } from '../api/client'
import { useIdempotencyKey } from '../api/idempotency'
import { useSuitability } from '../api/queries'
import type { Assessment, Questionnaire } from '../api/types'
import { Card, Loading, ProblemNotice } from '../components/ui'
import { formatDate } from '../lib/time'

const QUESTIONS: { name: keyof Questionnaire; label: string; options: [string, string][] }[] = [
  {
    name: 'experience',
    label: 'Your experience of investing in loans, bonds or shares',
    options: [
      ['none', 'None'],
      ['basic', 'Basic'],
      ['moderate', 'Moderate'],
      ['extensive', 'Extensive'],
    ],
  },
  {
    name: 'incomeBand',
    label: 'Your yearly income',
    options: [
      ['under_25k', 'Under 25,000'],
      ['25k_50k', '25,000 to 50,000'],
      ['50k_100k', '50,000 to 100,000'],
      ['100k_250k', '100,000 to 250,000'],
      ['over_250k', 'Over 250,000'],
    ],
  },
  {
    name: 'lossTolerance',
    label: 'The share of this investment you could lose without hardship',
    options: [
      ['none', 'None'],
      ['up_to_10', 'Up to 10%'],
      ['up_to_25', 'Up to 25%'],
      ['up_to_50', 'Up to 50%'],
      ['over_50', 'More than 50%'],
    ],
  },
  {
    name: 'horizon',
    label: 'How long you can leave the money invested',
    options: [
      ['under_1y', 'Under a year'],
      ['1_3y', '1 to 3 years'],
      ['3_5y', '3 to 5 years'],
      ['over_5y', 'Over 5 years'],
    ],
  },
  {
    name: 'shareOfNetWorth',
    label: 'The share of your net worth you plan to lend here',
    options: [
      ['over_50', 'Over 50%'],
      ['25_50', '25% to 50%'],
      ['10_25', '10% to 25%'],
      ['under_10', 'Under 10%'],
    ],
  },
]

const CLASS_MEANING = ['', 'cautious', 'moderately cautious', 'balanced', 'growth', 'aggressive']

export function SuitabilityStep(props: { onDone?: (assessment: Assessment) => void }) {
  const current = useSuitability()
  const [retake, setRetake] = useState(false)
  const [key, settleKey] = useIdempotencyKey()
  const queryClient = useQueryClient()
  const submit = useMutation({
    mutationFn: (answers: Questionnaire) => api.post<Assessment>('/v2/suitability', answers, { auth: 'wallet', idempotencyKey: key }),
    onSettled: (_data, error) => settleKey(error),
    onSuccess: async (assessment) => {
      setRetake(false)
      await queryClient.invalidateQueries({ queryKey: ['suitability'] })
      props.onDone?.(assessment)
    },
  })

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    submit.mutate(Object.fromEntries(QUESTIONS.map((q) => [q.name, String(form.get(q.name) ?? '')])) as unknown as Questionnaire)
  }

  if (current.isLoading) return <Loading what="your questionnaire" />
  const assessment = current.data
  if (assessment?.current && !retake) {
    return (
      <Card title="Suitability" testId="suitability-done">
        <p>
          Your investor risk class is <strong data-testid="risk-class">{assessment.riskClass}</strong> (
          {CLASS_MEANING[assessment.riskClass]}), valid until {formatDate(assessment.expiresAt)}.
          {assessment.capsApplied.length > 0 ? ` Capped because: ${assessment.capsApplied.join(', ')}.` : ''}
        </p>
        <button type="button" className="button" onClick={() => setRetake(true)}>
          Answer again
        </button>
      </Card>
    )
  }
  return (
    <Card title="Suitability questionnaire" testId="suitability-form">
      <p>
        Five questions decide your investor risk class (1 cautious … 5 aggressive). KYC carries it on the chain, and the
        contracts let you fund only the grades your class admits.
      </p>
      <form onSubmit={onSubmit} className="form">
        {QUESTIONS.map((question) => (
          <fieldset key={question.name}>
            <legend>{question.label}</legend>
            <select name={question.name} required defaultValue={assessment?.answers?.[question.name] ?? ''} aria-label={question.label}>
              <option value="" disabled>
                Choose…
              </option>
              {question.options.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </fieldset>
        ))}
        <button type="submit" className="button primary" disabled={submit.isPending}>
          {submit.isPending ? 'Sending…' : 'Submit answers'}
        </button>
      </form>
      <ProblemNotice error={submit.error} />
    </Card>
  )
}
