#!/usr/bin/env python2
# Regenerates src-shared/config/xm-options-history.json: every config variable xm knew
# (`gopts.var(...)` in tools/python/xen/xm/create.py), read from Xen's own history, one
# representative tree per era of src-shared/config/era.ts. Not run by tests or by the app: the
# JSON it writes is committed, and the tests read only that.
#
#   PYENV_VERSION=2.7.18 python2 test/tools/xm-options/generate.py /path/to/xen.git \
#       > src-shared/config/xm-options-history.json
#
# Python 2's own `ast` reads create.py (it is Python 2 source), so string concatenations and
# defaults come out exactly as xm saw them.
import ast, json, subprocess, sys

# era -> (git ref, what the reference is); keep in step with ERAS in src-shared/config/era.ts.
ERAS = [
    ('3.0', 'RELEASE-3.0.0', 'tag RELEASE-3.0.0'),
    ('3.0', '3.0.2-branched', 'tag 3.0.2-branched'),
    ('3.0', '3.0.4-branched', 'tag 3.0.4-branched'),
    ('3.1', '3.1.0-branched', 'tag 3.1.0-branched'),
    ('2007', 'b8ceb26916b1b6001437c795a4f2de0f725c091e', 'xen-unstable b8ceb269 (2007-10-24)'),
    ('3.2', '3.2.0-rc6', 'tag 3.2.0-rc6'),
    ('3.3', '3.3.0-rc7', 'tag 3.3.0-rc7'),
    ('3.4', '3.4.0-rc3', 'tag 3.4.0-rc3'),
    ('4.0', 'RELEASE-4.0.0', 'tag RELEASE-4.0.0'),
    ('4.1', 'RELEASE-4.1.0', 'tag RELEASE-4.1.0'),
    ('4.2', 'RELEASE-4.2.0', 'tag RELEASE-4.2.0'),
    ('4.2', 'RELEASE-4.4.0', 'tag RELEASE-4.4.0 (last release with xm; removed in 4.5)'),
]
PATH = 'tools/python/xen/xm/create.py'


def src(repo, ref):
    return subprocess.check_output(['git', '--git-dir', repo, 'show', '%s:%s' % (ref, PATH)])


def const(node):
    if isinstance(node, ast.Str):
        return node.s
    if isinstance(node, ast.Num):
        return node.n
    if isinstance(node, ast.Name):
        return {'None': None, 'True': True, 'False': False}.get(node.id, node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        l, r = const(node.left), const(node.right)
        if isinstance(l, basestring) and isinstance(r, basestring):
            return l + r
    if isinstance(node, ast.List):
        return [const(e) for e in node.elts]
    return '<expr>'


def variables(text):
    out = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        f = node.func
        if f.attr != 'var' or not isinstance(f.value, ast.Name) or f.value.id != 'gopts':
            continue
        kw = dict((k.arg, k.value) for k in node.keywords)
        fn = kw.get('fn')
        use = const(kw['use']) if 'use' in kw else ''
        out.append({
            'name': node.args[0].s,
            'line': node.lineno,
            'val': const(kw['val']) if 'val' in kw else None,
            'fn': fn.id if isinstance(fn, ast.Name) else None,
            'default': repr(const(kw['default'])) if 'default' in kw else 'None',
            'use': ' '.join(use.split()) if isinstance(use, basestring) else '',
        })
    return out


def main(repo):
    options = {}
    order = []
    sources = []
    for era, ref, label in ERAS:
        sources.append({'era': era, 'ref': ref, 'label': label, 'path': PATH})
        for v in variables(src(repo, ref)):
            o = options.get(v['name'])
            if o is None:
                o = options[v['name']] = {'name': v['name'], 'eras': [], 'first': '%s:%s:%d' % (label, PATH, v['line'])}
                order.append(v['name'])
            if era not in o['eras']:
                o['eras'].append(era)
            # The newest definition's fn, default and help win; `last` cites it.
            o.update({'fn': v['fn'], 'default': v['default'], 'val': v['val'], 'use': v['use'],
                      'last': '%s:%s:%d' % (label, PATH, v['line'])})
    json.dump({'generatedBy': 'test/tools/xm-options/generate.py', 'sources': sources,
               'options': [options[n] for n in order]}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main(sys.argv[1])
