"""Reference data that must read in the reader's language (django-modeltranslation).

Each (model, field) below is translated with django-modeltranslation (the app's translation.py).
A page in Dutch or French must not show the English text of a row that has its own text in that
language: that would be the English column read where the reader's was due. A row without a
translation falls back to English by design and is not counted. Another model's translated field
is one more line in TRANSLATED.
"""

from modeltranslation.utils import build_localized_fieldname

from cases.models import ConcernCategory, Indicator

TRANSLATED = [
    (ConcernCategory, "name"),
    (Indicator, "name"),
    (Indicator, "description"),
]

# The English texts found on the page, given the list of them. A text of several words is looked
# for anywhere in the page's text; a single word ("Other") only as a whole piece of text between
# separators, so that it is not found inside another name ("Other Social Service").
FIND_ON_PAGE = r"""(texts) => {
  const skip = 'script,style,template,noscript';
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT, {
    acceptNode: node => node.parentElement && node.parentElement.closest(skip)
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  const pieces = [];
  while (walker.nextNode()) pieces.push(walker.currentNode.nodeValue.replace(/\s+/g, ' '));
  for (const el of document.querySelectorAll('[title],[aria-label],[placeholder],[alt]')) {
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      if (el.hasAttribute(name)) pieces.push(el.getAttribute(name).replace(/\s+/g, ' '));
    }
  }
  const all = pieces.join('\n');
  const segments = new Set(all.split(/[\n,;:·()\[\]|]+/).map(s => s.trim()).filter(Boolean));
  return texts.filter(text => text.includes(' ') ? all.includes(text) : segments.has(text));
}"""


def texts_in(language: str) -> tuple[list[str], list[str]]:
    """The English texts of every translated row whose text in `language` differs, and those
    texts in `language` (to show that the walk met reference data at all)."""
    english_texts: set[str] = set()
    translated_texts: set[str] = set()
    for model, field in TRANSLATED:
        english = build_localized_fieldname(field, "en")
        translated = build_localized_fieldname(field, language)
        for en, other in model.objects.values_list(english, translated):
            en, other = " ".join((en or "").split()), " ".join((other or "").split())
            if en and other and other != en:
                english_texts.add(en)
                translated_texts.add(other)
    return sorted(english_texts), sorted(translated_texts)


def shown_on(page, texts: list[str]) -> list[str]:
    """Those of `texts` the page shows (the page's text and the attributes a reader meets)."""
    return page.evaluate(FIND_ON_PAGE, texts) if texts else []
