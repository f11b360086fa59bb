// Applicants the sandbox KYC provider accepts: a resident ID with its ISO 7064 MOD 11-2 check digit that
// embeds the date of birth, a Luhn-valid bank card, an E.164 mobile number. Random, so each run's people
// are new to the service (no duplicate-identity review).
import { randomInt } from 'node:crypto'

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

function nationalId(dob: string): string {
  const first17 = `310115${dob.replace(/-/g, '')}${String(randomInt(1000)).padStart(3, '0')}`
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * WEIGHTS[i]!, 0)
  return first17 + CHECK[sum % 11]
}

function luhnComplete(payload: string): string {
  let total = 0
  ;[...payload].reverse().forEach((char, i) => {
    let digit = Number(char)
    if (i % 2 === 0) digit = digit > 4 ? digit * 2 - 9 : digit * 2
    total += digit
  })
  return payload + String((10 - (total % 10)) % 10)
}

export interface Applicant {
  fullName: string
  dateOfBirth: string
  nationalIdNumber: string
  phone: string
  bankCardNumber: string
  livenessToken: string
}

export function applicant(fullName: string, dateOfBirth: string): Applicant {
  return {
    fullName,
    dateOfBirth,
    nationalIdNumber: nationalId(dateOfBirth),
    phone: `+86138${String(randomInt(10_000_000, 100_000_000))}`,
    bankCardNumber: luhnComplete(`621234${String(randomInt(100_000_000, 1_000_000_000))}`),
    livenessToken: `liveness-${randomInt(1 << 30).toString(16)}`,
  }
}

// The questionnaire's answers (backend/suitability/scoring.py): class 5 and a cautious borrower.
export const AGGRESSIVE_INVESTOR = {
  experience: 'extensive',
  incomeBand: 'over_250k',
  lossTolerance: 'over_50',
  horizon: 'over_5y',
  shareOfNetWorth: 'under_10',
}
export const CAUTIOUS_BORROWER = {
  experience: 'none',
  incomeBand: '50k_100k',
  lossTolerance: 'none',
  horizon: '1_3y',
  shareOfNetWorth: 'under_10',
}

// A long, clean credit history (the scorecard's vocabulary, GET /v2/risk/model): grade A.
export const STRONG_APPLICANT: Record<string, string> = {
  status_of_existing_checking_account: 'no checking account',
  credit_history: 'critical account/ other credits existing (not at this bank)',
  savings_account_and_bonds: '... >= 1000 DM',
  present_employment_since: '4 <= ... < 7 years',
  age_in_years: '45',
  installment_rate_in_percentage_of_disposable_income: '2',
  other_installment_plans: 'none',
  housing: 'own',
  property: 'real estate',
  job: 'skilled employee / official',
  telephone: 'yes, registered under the customers name',
  other_debtors_or_guarantors: 'none',
  present_residence_since: '4',
  number_of_existing_credits_at_this_bank: '1',
  number_of_people_being_liable_to_provide_maintenance_for: '1',
}
