export const GRADE_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const

export function gradeLetter(grade: number): string {
  return GRADE_LETTERS[grade - 1] ?? '?'
}

export const LOAN_STATUSES = ['listed', 'active', 'repaid', 'defaulted', 'cancelled', 'expired'] as const
export type LoanStatus = (typeof LOAN_STATUSES)[number]

export const TIERS = ['current', '1–30 days late', '31–90 days late', 'more than 90 days late'] as const

/** Grade bitmask of an auto-invest mandate: bit g-1 admits grade g. */
export function gradeMask(grades: number[]): number {
  return grades.reduce((mask, grade) => mask | (1 << (grade - 1)), 0)
}

export function gradesOfMask(mask: number): number[] {
  return [1, 2, 3, 4, 5, 6, 7].filter((grade) => mask & (1 << (grade - 1)))
}
