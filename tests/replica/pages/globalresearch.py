"""Global Research and Mondialisation.ca: one WordPress theme, English and French furniture."""
from __future__ import annotations

from tests.replica import boilerplate as bp
from tests.replica.catalogue import Article, Replica
from tests.replica.pages.common import Listing, esc, french_date, head_meta, href, json_ld, neighbours, paragraphs_html
from tests.replica.profiles import slugify


def _words(french: bool) -> dict[str, str]:
    if french:
        return dict(
            by="Par", region="Région :", theme="Thème :", report="Rapport spécial :", source="La source originale de cet article est",
            articles_by=bp.MO_ARTICLES_BY, comment=bp.MO_COMMENT, member=bp.MO_MEMBER, newsletter=bp.MO_NEWSLETTER,
            cookies=bp.MO_COOKIES, popular="Articles les plus lus", search="Rechercher", home="Accueil", lang="fr-FR",
            themes="/theme/agenda-de-guerre-usa-otan", regions="/region/moyen-orient-afrique-du-nord",
        )
    return dict(
        by="By", region="Region:", theme="Theme:", report="In-depth Report:", source="The original source of this article is",
        articles_by="Articles by:", comment=bp.GR_COMMENT, member=bp.GR_MEMBER, newsletter=bp.GR_NEWSLETTER,
        cookies=bp.GR_COOKIES, popular="Most Popular", search="Search", home="Home", lang="en-US",
        themes="/theme/us-nato-war-agenda", regions="/region/middle-east",
    )


def _dateline(moment, french: bool) -> str:
    return french_date(moment) if french else f"{moment:%B} {moment.day}, {moment.year}"


def _frame_top(replica: Replica, outlet: str, title: str, head: str, body_class: str) -> str:
    french = outlet == "mondialisation"
    w = _words(french)
    site = replica.outlets[outlet].name
    link = lambda path: esc(href(replica, outlet, path))  # noqa: E731
    return f"""<!DOCTYPE html>
<html lang="{w['lang']}"><head><meta charset="UTF-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
<link rel="alternate" type="application/rss+xml" title="{esc(site)} &raquo; Feed" href="{link('/feed')}">
<link rel="stylesheet" href="{link('/wp-content/themes/globalresearch/style.css')}">
</head>
<body class="{body_class}">
<div id="cookie-notice" class="cookie-notice"><span class="cn-text">{esc(w['cookies'])}</span> <a class="cn-accept" href="#">Ok</a></div>
<header id="masthead" class="site-header">
<div class="site-branding"><a class="logo" href="{link('/')}">{esc(site)} - Centre for Research on Globalization</a></div>
<nav class="main-navigation"><ul class="menu">
<li><a href="{link('/')}">{w['home']}</a></li>
<li><a href="{link(w['themes'])}">{'Agenda de guerre USA-OTAN' if french else 'US NATO War Agenda'}</a></li>
<li><a href="{link(w['regions'])}">{'Moyen-Orient et Afrique du Nord' if french else 'Middle East &amp; North Africa'}</a></li>
<li><a href="{link('/about-us')}">{'À propos' if french else 'About'}</a></li>
<li><a href="{link('/donate')}">{'Faire un don' if french else 'Donate'}</a></li>
</ul>
<form class="search-form" action="{link('/search')}"><input type="search" name="s" placeholder="{w['search']}"></form></nav>
<div class="newsletter-box"><h4>{esc(w['newsletter'])}</h4><form action="{link('/newsletter')}"><input type="email" name="email"><button>{'Abonnez-vous' if french else 'Subscribe'}</button></form></div>
</header>
<div id="content" class="site-content">"""


def _frame_bottom(replica: Replica, outlet: str, sidebar: str, donate: str = bp.GR_DONATE) -> str:
    french = outlet == "mondialisation"
    year = 2026
    return f"""<aside id="secondary" class="widget-area sidebar">
<div class="widget donate-box"><p>{esc(donate if not french else 'Mondialisation.ca est un média financé par ses lecteurs. Nous n’acceptons aucun financement de gouvernements ou d’entreprises.')}</p><a class="button" href="{esc(href(replica, outlet, '/donate'))}">{'Faire un don' if french else 'Donate'}</a></div>
{sidebar}
</aside></div>
<footer id="colophon" class="site-footer"><p>© Copyright 2005-{year} {esc(replica.outlets[outlet].name)}</p>
<ul class="footer-menu"><li><a href="{esc(href(replica, outlet, '/about-us'))}">{'À propos' if french else 'About'}</a></li><li><a href="{esc(href(replica, outlet, '/privacy-policy'))}">{'Confidentialité' if french else 'Privacy Policy'}</a></li></ul></footer>
</body></html>"""


def article(replica: Replica, art: Article) -> str:
    entry = art.entry
    outlet = entry.outlet
    french = outlet == "mondialisation"
    w = _words(french)
    rng = art.rng("page")
    local = entry.local_time()
    site = replica.outlets[outlet].name
    link = lambda path: esc(href(replica, outlet, path))  # noqa: E731
    description = art.paragraphs[0][:180]
    head = "\n".join((head_meta(replica, art, site, description, "fr_FR" if french else "en_US"),
                      json_ld(art, site, "https://www.globalresearch.ca/wp-content/uploads/logo.png", description)))
    authors = ", ".join(f'<a href="{link("/author/" + slugify(a))}" rel="author">{esc(a)}</a>' for a in entry.authors)
    meta = [f'<p class="author-name">{w["by"]} {authors}</p>',
            f'<p class="date">{esc(site)}, {_dateline(local, french)}</p>']
    if entry.original is not None:
        source = replica.entry(*entry.original)
        meta.append(f'<p class="source-date"><a href="{esc(href(replica, source.outlet, source.path))}">{esc(entry.original_source)}</a> '
                    f'{source.local_time().day} {source.local_time():%B %Y}</p>')
    meta.append(f'<p class="region">{w["region"]} <a href="{link(w["regions"])}" rel="category tag">{esc(entry.section)}</a></p>')
    themes = ", ".join(f'<a href="{link("/theme/" + slugify(t))}" rel="category tag">{esc(t)}</a>' for t in entry.tags)
    meta.append(f'<p class="theme">{w["theme"]} {themes}</p>')
    if entry.extra.get("report"):
        meta.append(f'<p class="report">{w["report"]} <a href="{link("/indepthreport/" + slugify(entry.extra["report"]))}">{esc(entry.extra["report"])}</a></p>')

    body = paragraphs_html(art.paragraphs)
    if entry.original is not None:
        # a republished South Front piece keeps South Front's own appeal at its end
        body += f'\n<p><strong>{esc(rng.choice(bp.SF_APPEALS))}</strong></p>'
    elif rng.random() < 0.3:
        body = f'<p><em>{esc(bp.GR_TRANSLATE)}</em></p>\n' + body

    footer = []
    year = local.year
    first = entry.authors[0] if entry.authors else site
    if entry.original_source:
        footer.append(f'<p class="source">{w["source"]} <a href="#">{esc(entry.original_source)}</a></p>')
        footer.append(f'<p class="copyright">Copyright © <a href="#">{esc(first)}</a>, <a href="#">{esc(entry.original_source)}</a>, {year}</p>')
    else:
        footer.append(f'<p class="copyright">Copyright © <a href="#">{esc(first)}</a>, {esc(site)}, {year}</p>')

    if french:
        disclaimer = f"<p>{esc(bp.MO_DISCLAIMER)}</p><p>{esc(bp.MO_REPRODUCTION)}</p><p>{esc(bp.MO_FAIR_USE)}</p><p>{esc(bp.MO_MEDIA)}</p>"
    else:
        disclaimer = f"<p>{esc(bp.GR_DISCLAIMER)}</p><p>{esc(bp.GR_FAIR_USE)}</p><p>{esc(bp.GR_MEDIA)}</p>"
    popular = "".join(f'<li><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in neighbours(replica, entry, 5))
    sidebar = f'<div class="widget popular"><h3>{w["popular"]}</h3><ul>{popular}</ul></div>'
    articles_by = ", ".join(f'<a href="{link("/author/" + slugify(a))}">{esc(a)}</a>' for a in entry.authors)
    return _frame_top(replica, outlet, f"{entry.title} - {site}", head, "post-template-default single single-post") + f"""
<main id="main" class="site-main">
<article id="post-{entry.rank}" class="post type-post status-publish format-standard hentry">
<header class="entry-header"><h1 class="entry-title">{esc(entry.title)}</h1>
<div class="article-meta">{''.join(meta)}</div></header>
<div class="share-buttons"><a class="share-facebook" href="#">Facebook</a> <a class="share-twitter" href="#">Twitter</a> <a class="share-email" href="#">Email</a> <a class="print" href="#">{'Imprimer' if french else 'Print'}</a></div>
<div class="entry-content post-content">
{body}
</div>
<div class="article-footer">{''.join(footer)}</div>
<div class="after-article"><p><a href="#">{esc(w['comment'])}</a></p><p><a href="{link('/members')}">{esc(w['member'])}</a></p></div>
<div class="author-box"><h4>{w['articles_by']} {articles_by}</h4></div>
<div class="disclaimer">{disclaimer}</div>
</article>
</main>""" + _frame_bottom(replica, outlet, sidebar, rng.choice((bp.GR_DONATE, bp.GR_DONATE_VARIANT)))


def listing(replica: Replica, page: Listing) -> str:
    outlet = page.outlet
    french = outlet == "mondialisation"
    items = []
    for entry in page.entries:
        local = entry.local_time()
        items.append(f"""<article class="post type-post"><h2 class="entry-title"><a href="{esc(href(replica, outlet, entry.path))}" rel="bookmark">{esc(entry.title)}</a></h2>
<div class="meta"><span class="author">{esc(', '.join(entry.authors))}</span>, <time datetime="{local.isoformat()}">{_dateline(local, french)}</time></div></article>""")
    head = page.head_links(replica) + f'\n<link rel="canonical" href="https://{replica.outlets[outlet].host}{esc(page.path)}">'
    title = f"{page.heading} | {replica.outlets[outlet].name}"
    return _frame_top(replica, outlet, title, head, "archive") + f"""
<main id="main" class="site-main"><h1 class="page-title">{esc(page.heading)}</h1>
{''.join(items)}
{page.pager(replica, 'Articles précédents' if french else 'Older posts', 'Articles suivants' if french else 'Newer posts')}
</main>""" + _frame_bottom(replica, outlet, "")
