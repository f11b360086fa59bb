import { type ComponentType, lazy, type LazyExoticComponent, Suspense } from 'react'
import { useParams } from 'react-router'
import { Loading } from '../../components/ui'
import { SECTIONS } from './sections'

const loaded = new Map<string, LazyExoticComponent<ComponentType>>()

export default function OperatorSection() {
  const { section: path } = useParams()
  const section = SECTIONS.find((s) => s.path === path)
  if (!section) return <p className="notice notice-error">No section {path}.</p>
  if (!loaded.has(section.path)) loaded.set(section.path, lazy(section.load))
  const Component = loaded.get(section.path)!
  return (
    <Suspense fallback={<Loading what={section.title} />}>
      <Component />
    </Suspense>
  )
}
