import { describe, expect, it } from 'vitest'
import { parseTag, parseTags } from '../../src/shared/tags'

describe('parseTag', () => {
  it('splits at the first =, trims both sides and allows an empty value', () => {
    expect(parseTag('team=support')).toEqual({ ok: true, value: { key: 'team', value: 'support' } })
    expect(parseTag(' cost centre = 42 ')).toEqual({ ok: true, value: { key: 'cost centre', value: '42' } })
    expect(parseTag('query=a=b')).toEqual({ ok: true, value: { key: 'query', value: 'a=b' } })
    expect(parseTag('flag=')).toEqual({ ok: true, value: { key: 'flag', value: '' } })
  })

  it('says how to write a tag with no = or no key', () => {
    const missing = parseTag('team')
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', details: { field: 'Tags' } }
    })
    expect(!missing.ok && missing.error.message).toBe('Tag "team" has no "=": write it as key=value.')
    const empty = parseTag('  =support')
    expect(!empty.ok && empty.error.message).toBe(
      'Tag "=support" has no key before "=": write it as key=value.'
    )
  })
})

describe('parseTags', () => {
  it('reads a list separated by ; or line breaks, skipping blank entries', () => {
    expect(parseTags('team=support;site=london')).toEqual({
      ok: true,
      value: { team: 'support', site: 'london' }
    })
    expect(parseTags('team=support\r\n\nsite=london;\n')).toEqual({
      ok: true,
      value: { team: 'support', site: 'london' }
    })
    expect(parseTags('')).toEqual({ ok: true, value: {} })
    expect(parseTags(' ; \n')).toEqual({ ok: true, value: {} })
  })

  it('fails on the first bad entry and on a key given twice', () => {
    const bad = parseTags('team=support;site;=x')
    expect(!bad.ok && bad.error.message).toBe('Tag "site" has no "=": write it as key=value.')
    const twice = parseTags('team=a;team=b')
    expect(!twice.ok && twice.error.message).toBe('Tag "team" is given twice: keep one.')
  })

  it('keeps a key such as __proto__ as a plain tag', () => {
    const parsed = parseTags('__proto__=x')
    expect(parsed.ok && Object.keys(parsed.value)).toEqual(['__proto__'])
    expect(parsed.ok && Object.getPrototypeOf(parsed.value)).toBe(Object.prototype)
  })
})
