import { type ComponentType, lazy, type LazyExoticComponent, Suspense } from 'react'
import { useParams } from 'react-router'
import { Loading } from '../../components/ui'
import { SectionContext } from './access'
import { SECTIONS, type SectionPath } from './sections'

// One chunk per section, loaded when first opened; the record's type asks for a page for every section.
const PAGES: Record<SectionPath, () => Promise<{ default: ComponentType }>> = {
  kyc: () => import('./KycReviews'),
  risk: () => import('./RiskReviews'),
  complaints: () => import('./ComplaintsQueue'),
  collections: () => import('./CollectionsQueue'),
  aml: () => import('./AmlQueue'),
  audit: () => import('./AuditLog'),
}

const loaded = new Map<string, LazyExoticComponent<ComponentType>>()

export default function OperatorSection() {
  const { section: path } = useParams()
  const section = SECTIONS.find((s) => s.path === path)
  if (!section) return <p className="notice notice-error">No section {path}.</p>
  if (!loaded.has(section.path)) loaded.set(section.path, lazy(PAGES[section.path]))
  const Component = loaded.get(section.path)!
  return (
    <SectionContext.Provider value={section}>
      <div data-section={section.path}>
        <Suspense fallback={<Loading what={section.title} />}>
          <Component />
        </Suspense>
      </div>
    </SectionContext.Provider>
  )
}
