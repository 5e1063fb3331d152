#!/usr/bin/env bash
# Maintainers: after changing user-facing text, refresh the template, merge it into each
# catalog, translate what msgmerge marks new or fuzzy, and compile. Needs GNU gettext
# (Debian: apt install gettext). The compiled .mo files are committed: users and CI need
# no gettext tools.
set -euo pipefail
cd "$(dirname "$0")/.."
xgettext --language=Python --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --keyword=Np_:1,2 \
    --from-code=UTF-8 --no-wrap --sort-by-file --package-name=photocheck \
    -o photocheck/locale/photocheck.pot $(git ls-files 'photocheck/*.py' | sort)
for po in photocheck/locale/*/LC_MESSAGES/photocheck.po; do
    msgmerge --quiet --update --no-wrap --backup=none "$po" photocheck/locale/photocheck.pot
    msgfmt --check --statistics -o "${po%.po}.mo" "$po"
done
