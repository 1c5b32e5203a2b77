"""Each outlet's page furniture: the texts the replica prints around an article.

``CATALOGUE`` lists, per outlet, distinctive strings that appear on that outlet's
pages (some on every page, some only in a variant) and must never appear in text
extracted as an article body. The page templates use the constants below, so the
catalogue and the pages cannot drift apart.
"""
from __future__ import annotations

# -- Global Research --------------------------------------------------------------
GR_COMMENT = "Comment on Global Research Articles on our Facebook page"
GR_MEMBER = "Become a Member of Global Research"
GR_DISCLAIMER = (
    "Disclaimer: The contents of this article are of sole responsibility of the author(s). "
    "The Centre for Research on Globalization will not be responsible for any inaccurate or incorrect "
    "statement in this article. The Centre of Research on Globalization grants permission to cross-post "
    "Global Research articles on community internet sites as long the source and copyright are acknowledged "
    "together with a hyperlink to the original Global Research article. For publication of Global Research "
    "articles in print or other forms including commercial internet sites, contact: publications@globalresearch.ca"
)
GR_FAIR_USE = (
    "www.globalresearch.ca contains copyrighted material the use of which has not always been specifically "
    "authorized by the copyright owner. We are making such material available to our readers under the "
    "provisions of \"fair use\" in an effort to advance a better understanding of political, economic and "
    "social issues. The material on this site is distributed without profit to those who have expressed a "
    "prior interest in receiving it for research and educational purposes. If you wish to use copyrighted "
    "material for purposes other than \"fair use\" you must request permission from the copyright owner."
)
GR_MEDIA = "For media inquiries: publications@globalresearch.ca"
GR_NEWSLETTER = "Get Your Free Newsletter Here!"
GR_DONATE = (
    "Global Research is a reader-funded media. We do not accept any funding from corporations or governments. "
    "Help us stay afloat. Click the image below to make a one-time or recurring donation."
)
GR_DONATE_VARIANT = (
    "Global Research is a reader-funded media. We do not accept any funding from corporations or governments! "
    "Click below to make a one-time or recurring donation."
)
GR_COOKIES = "We use cookies to ensure that we give you the best experience on our website."
GR_TRANSLATE = "Click the share button above to email/forward this article to your friends and colleagues."

# -- Mondialisation.ca ------------------------------------------------------------
MO_ARTICLES_BY = "Articles Par :"
MO_DISCLAIMER = (
    "Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent que le ou les auteurs. "
    "Le Centre de recherche sur la mondialisation se dégage de toute responsabilité concernant le contenu de "
    "cet article et ne sera pas tenu responsable pour des erreurs ou informations incorrectes ou inexactes."
)
MO_REPRODUCTION = (
    "Le Centre de recherche sur la mondialisation (CRM) accorde la permission de reproduire la version intégrale "
    "ou des extraits d'articles du site sur des sites de médias alternatifs. La source de l'article, l'adresse url "
    "ainsi qu'un hyperlien vers l'article original du CRM doivent être indiqués. Une note de droit d'auteur "
    "(copyright) doit également être indiquée."
)
MO_FAIR_USE = (
    "Pour publier des articles de Mondialisation.ca en format papier ou autre, y compris les sites Internet "
    "commerciaux, contactez: media@globalresearch.ca. Mondialisation.ca contient du matériel protégé par le droit "
    "d'auteur, dont le détenteur n'a pas toujours autorisé l'utilisation. Nous mettons ce matériel à la disposition "
    "de nos lecteurs en vertu du principe \"d'utilisation équitable\", dans le but d'améliorer la compréhension des "
    "enjeux politiques, économiques et sociaux."
)
MO_MEDIA = "Contact média: media@globalresearch.ca"
MO_COMMENT = "Commentez les articles de Mondialisation.ca sur notre page Facebook"
MO_MEMBER = "Devenez membre de Mondialisation.ca"
MO_NEWSLETTER = "Inscrivez-vous à notre infolettre gratuite"
MO_COOKIES = "Nous utilisons des témoins (cookies) pour vous offrir la meilleure expérience sur notre site."

# -- South Front ------------------------------------------------------------------
SF_APPEALS = (
    "If you're able, and if you like our content and approach, please support the project. Our work wouldn't "
    "be possible without your help: PayPal: southfront@list.ru or via: http://southfront.press/donate/ or via: "
    "https://www.patreon.com/southfront",
    "If you’re able, and if you like our content and approach, please support the project. Our work wouldn’t "
    "be possible without your help: PayPal: southfront@internet.ru or via: or via:",
    "If you are able, and if you like our content and approach, please support the project. Our work would not "
    "be possible without your help: PayPal: southfront@internet.ru, or via: https://southfront.press/donate/",
)
SF_SUBSCRIBE = "Subscribe our channel!"
SF_VISIT = "Visit us:"
SF_FOLLOW = "Follow us on Social Media:"
SF_INFOPARTNERS = "Our Infopartners:"
SF_MORE = "MORE ON THE TOPIC:"
SF_BUDGET = "DAYS LEFT TO ALLOCATE SOUTHFRONT'S BUDGET FOR"
SF_DISQUS = "Please enable JavaScript to view the comments powered by Disqus."
SF_PHOTO_CREDITS = (
    "© Ministry of defence of the Russian Federation",
    "© Ministry of Defence of the Russian Federation",
    "© SANA",
    "© Hezbollah Military Media Center",
    "© Syrian Arab Army media wing",
)

# -- Sputnik ----------------------------------------------------------------------
SP_SHORT_URL = "Get short URL"
SP_TELEGRAM = (
    "Never miss a story again — sign up to our Telegram channel and we'll keep you up to speed!",
    "Never miss a story again — sign up to our Telegram channel and we'll send you the news",
    "Never miss a story again - sign up to our Telegram channel and we'll keep you up to speed!",
)
SP_COOKIES = (
    "Our website uses cookies to improve its performance and enhance your user experience. Through cookies, "
    "certain personal data is collected and may be stored temporarily. You can change your cookie settings "
    "through your browser."
)
SP_DISCLAIMER = "The views and opinions expressed in the article do not necessarily reflect those of Sputnik."
SP_NEW_COMMENTS = "Show new comments (0)"
SP_POST_LIMIT = "Post limit reached. Please try again in a minute."
SP_MODERATION = "Thank you! Your comment will be reviewed by the moderator for compliance with the"
SP_LINK_REFUSED = "Your comment contains a link, so it can't be published on our site"
SP_CREDIT_AGENCIES = ("© AFP {year}/ ", "© REUTERS/ ", "© Sputnik / ", "© AP Photo/ ", "© Photo : Pixabay/")
SP_PHOTOGRAPHERS = (
    "Nazeer al-Khatib", "Khalil Ashawi", "Mikhail Voskresenskiy", "Ilya Pitalev", "Omar Sanadiki",
    "Louai Beshara", "Alexei Druzhinin", "Vitaliy Belousov",
)

# -- Alwaght ----------------------------------------------------------------------
AW_HEADER = "Alwaght | News & Analysis Website"
AW_IN_FOCUS = (
    ("Ansarullah", "A Zaidi Shiite movement operating in Yemen. It seeks to establish a democratic government in Yemen."),
    ("Shiite", "represents the second largest denomination of Islam. Shiites believe Ali (peace be upon him) to be prophet\"s successor in the Caliphate."),
    ("Resistance", "Axis of Resistances refers to countries and movements with common political goal, i.e., resisting against Zionist regime, America and other western powers. Iran, Syria, Hezbollah in Lebanon, and Hamas in Palestine are considered as the Axis of Resistance."),
    ("Persian Gulf Cooperation Council", "A regional political u n i o n consisting of Arab states of the Persian Gulf, except for Iraq."),
    ("Taliban", "Taliban is a Sunni fundamentalist movement in Afghanistan. It was founded by Mohammed Omar in 1994."),
    ("Wahhabism & Extremism", "Wahhabism is an extremist pseudo-Sunni movement, which labels non-Wahhabi Muslims as apostates thus paving the way for their bloodshed."),
    ("Kurds", "Kurds are an ethnic group in the Middle East, mostly inhabiting a region, which spans adjacent parts of Iran, Iraq, Syria, and Turkey."),
    ("NATO", "The North Atlantic Treaty Organization is an intergovernmental military alliance based on the North Atlantic Treaty which was signed on 4 April 1949."),
    ("Islamic Awakening", "Refers to a revival of the Islam throughout the world, that began in 1979 by Iranian Revolution that established an Islamic republic."),
    ("Al-Qaeda", "A militant Sunni organization founded by Osama bin Laden at some point between 1988 and 1989"),
)
AW_MAP = "Map of  Latest Battlefield Developments in Syria and Iraq on"
AW_LABELS = ("Editor's Choice", "Most Viewed", "Day Week Month", "Related Content", "Tags :", "Name :", "Email :", "* Text :")

# -- MENAFN -----------------------------------------------------------------------
MN_DISCLAIMER = (
    "MENAFN provides the information “as is” without warranty of any kind. We do not accept any responsibility "
    "or liability for the accuracy, content, images, videos, licenses, completeness, legality, or reliability of "
    "the information contained in this article. If you have any complaints or copyright issues related to this "
    "article, kindly contact the provider above."
)
MN_DISCLAIMER_TITLE = "Legal Disclaimer:"
MN_NETWORK = "MENAFN - Middle East North Africa Financial Network"
MN_NEWSLETTER = "Subscribe to our newsletter and get the latest Business and Financial News"
MN_COPYRIGHT = "Copyright © 1996-2026 MENAFN. All rights reserved."

CATALOGUE: dict[str, list[str]] = {
    "globalresearch": [
        GR_COMMENT, GR_MEMBER, GR_MEDIA, GR_NEWSLETTER, GR_COOKIES, GR_TRANSLATE,
        "Disclaimer: The contents of this article are of sole responsibility of the author(s).",
        "The Centre for Research on Globalization will not be responsible for any inaccurate or incorrect statement in this article.",
        "contains copyrighted material the use of which has not always been specifically authorized by the copyright owner",
        "Global Research is a reader-funded media. We do not accept any funding from corporations or governments.",
        "Global Research is a reader-funded media. We do not accept any funding from corporations or governments!",
        "The original source of this article is",
        "In-depth Report:",
        "Articles by:",
    ],
    "mondialisation": [
        MO_ARTICLES_BY, MO_MEDIA, MO_COMMENT, MO_MEMBER, MO_NEWSLETTER, MO_COOKIES,
        "Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent que le ou les auteurs.",
        "Le Centre de recherche sur la mondialisation se dégage de toute responsabilité",
        "Une note de droit d'auteur (copyright) doit également être indiquée.",
        "La source originale de cet article est",
        "Rapport spécial :",
    ],
    "southfront": [
        "if you like our content and approach, please support the project.",
        "Our work wouldn't be possible without your help: PayPal:",
        "Our work wouldn’t be possible without your help: PayPal:",
        "Our work would not be possible without your help: PayPal:",
        SF_SUBSCRIBE, SF_VISIT, SF_FOLLOW, SF_INFOPARTNERS, SF_MORE, SF_BUDGET, SF_DISQUS,
        "| © Ministry of defence of the Russian Federation",
        "| © SANA",
    ],
    "sputnik": [
        SP_SHORT_URL, *SP_TELEGRAM, SP_DISCLAIMER, SP_NEW_COMMENTS, SP_POST_LIMIT, SP_MODERATION, SP_LINK_REFUSED,
        "Our website uses cookies to improve its performance and enhance your user experience.",
        "© REUTERS/ ",
        "© Sputnik / ",
    ],
    "alwaght": [
        AW_HEADER, AW_MAP, *(definition for _, definition in AW_IN_FOCUS[:6]), *AW_LABELS,
    ],
    "menafn": [
        MN_DISCLAIMER_TITLE, MN_NETWORK, MN_NEWSLETTER, MN_COPYRIGHT,
        "MENAFN provides the information “as is” without warranty of any kind.",
        "We do not accept any responsibility or liability for the accuracy, content, images, videos, licenses",
        "If you have any complaints or copyright issues related to this article, kindly contact the provider above.",
        "(MENAFN- ",
        "Most popular stories",
        "Related News",
    ],
}
