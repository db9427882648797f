"""Curated material for the demo network: institutions, units, themes, names, vocabulary.

Institutions are real, with their main Paris-region site (approximate coordinates). Only the ROR
ids listed here are known to be right; the others are left blank on purpose, since an invented
id could point at someone else's record. Unit codes are plausible labels, not references.
"""

# fmt: off

# key, name, acronym, kind, category, research body?, ROR, street, postcode, city, lat, lon, e-mail domain, website
INSTITUTIONS: tuple[tuple, ...] = (
    ("inserm", "Institut national de la santé et de la recherche médicale", "Inserm", "member", "research_org", True, "02vjkv261", "101 rue de Tolbiac", "75013", "Paris", "48.826500", "2.363500", "inserm.fr", "https://www.inserm.fr"),
    ("cnrs", "Centre national de la recherche scientifique", "CNRS", "member", "research_org", True, "02feahw73", "3 rue Michel-Ange", "75016", "Paris", "48.847300", "2.264000", "cnrs.fr", "https://www.cnrs.fr"),
    ("aphp", "Assistance Publique – Hôpitaux de Paris", "AP-HP", "member", "hospital", True, "00pg5jh14", "55 boulevard Diderot", "75012", "Paris", "48.845600", "2.381700", "aphp.fr", "https://www.aphp.fr"),
    ("upc", "Université Paris Cité", "UPCité", "member", "university", True, "05f82e368", "85 boulevard Saint-Germain", "75006", "Paris", "48.851600", "2.342800", "u-paris.fr", "https://u-paris.fr"),
    ("su", "Sorbonne Université", "SU", "member", "university", True, "02en5vm52", "4 place Jussieu", "75005", "Paris", "48.846600", "2.356100", "sorbonne-universite.fr", "https://www.sorbonne-universite.fr"),
    ("ups", "Université Paris-Saclay", "UPSaclay", "member", "university", True, "03xjwb503", "3 rue Joliot-Curie", "91190", "Gif-sur-Yvette", "48.709900", "2.166900", "universite-paris-saclay.fr", "https://www.universite-paris-saclay.fr"),
    ("curie", "Institut Curie", "", "member", "cancer_centre", True, "04t0gwh46", "26 rue d'Ulm", "75005", "Paris", "48.844100", "2.344500", "curie.fr", "https://curie.fr"),
    ("gr", "Gustave Roussy", "", "partner", "cancer_centre", True, "0321g0743", "114 rue Édouard-Vaillant", "94800", "Villejuif", "48.794500", "2.350800", "gustaveroussy.fr", "https://www.gustaveroussy.fr"),
    ("pasteur", "Institut Pasteur", "", "partner", "foundation", True, "0495fxg12", "25-28 rue du Docteur-Roux", "75015", "Paris", "48.840400", "2.310800", "pasteur.fr", "https://www.pasteur.fr"),
    ("cea", "Commissariat à l'énergie atomique et aux énergies alternatives", "CEA", "partner", "research_org", True, "00jjx8s55", "Centre CEA Paris-Saclay", "91191", "Gif-sur-Yvette", "48.710600", "2.147400", "cea.fr", "https://www.cea.fr"),
    ("upec", "Université Paris-Est Créteil", "UPEC", "partner", "university", True, "", "61 avenue du Général-de-Gaulle", "94000", "Créteil", "48.789800", "2.450800", "u-pec.fr", "https://www.u-pec.fr"),
    ("uspn", "Université Sorbonne Paris Nord", "USPN", "partner", "university", True, "", "99 avenue Jean-Baptiste-Clément", "93430", "Villetaneuse", "48.956500", "2.341600", "univ-paris13.fr", "https://www.univ-spn.fr"),
    ("uvsq", "Université de Versailles Saint-Quentin-en-Yvelines", "UVSQ", "partner", "university", True, "", "55 avenue de Paris", "78000", "Versailles", "48.801400", "2.136500", "uvsq.fr", "https://www.uvsq.fr"),
    ("uevry", "Université d'Évry Paris-Saclay", "UEVE", "partner", "university", True, "", "Boulevard François-Mitterrand", "91000", "Évry-Courcouronnes", "48.624700", "2.442300", "univ-evry.fr", "https://www.univ-evry.fr"),
    ("cyu", "CY Cergy Paris Université", "CYU", "partner", "university", True, "", "33 boulevard du Port", "95000", "Cergy", "49.035300", "2.070600", "cyu.fr", "https://www.cyu.fr"),
    ("ligue", "Ligue contre le cancer – Comité de Paris", "", "partner", "association", False, "", "14 rue Corvisart", "75013", "Paris", "48.832000", "2.349000", "ligue-cancer.net", "https://www.ligue-cancer.net"),
    ("unicancer", "Unicancer", "", "partner", "association", True, "", "101 rue de Tolbiac", "75013", "Paris", "48.826100", "2.363900", "unicancer.fr", "https://www.unicancer.fr"),
    ("inria", "Institut national de recherche en sciences et technologies du numérique", "Inria", "partner", "research_org", True, "", "2 rue Simone-Iff", "75012", "Paris", "48.841700", "2.379000", "inria.fr", "https://www.inria.fr"),
    ("imt", "Institut Mines-Télécom", "IMT", "partner", "university", True, "", "19 place Marguerite-Perey", "91120", "Palaiseau", "48.713200", "2.200700", "imt.fr", "https://www.imt.fr"),
    ("rothschild", "Hôpital Fondation Adolphe de Rothschild", "HFAR", "partner", "hospital", True, "", "29 rue Manin", "75019", "Paris", "48.879000", "2.393700", "fo-rothschild.fr", "https://www.fo-rothschild.fr"),
    ("imagine", "Institut Imagine", "", "partner", "foundation", True, "", "24 boulevard du Montparnasse", "75015", "Paris", "48.845500", "2.315500", "institutimagine.org", "https://www.institutimagine.org"),
    ("arc", "Fondation ARC pour la recherche sur le cancer", "Fondation ARC", "other", "foundation", False, "", "9 rue Guy-Môquet", "94800", "Villejuif", "48.796200", "2.361800", "fondation-arc.org", "https://www.fondation-arc.org"),
    ("inca", "Institut national du cancer", "INCa", "other", "public_body", False, "", "52 avenue André-Morizet", "92100", "Boulogne-Billancourt", "48.835700", "2.240300", "institutcancer.fr", "https://www.e-cancer.fr"),
    ("sanofi", "Sanofi – site de Vitry-sur-Seine", "Sanofi", "other", "company", False, "", "13 quai Jules-Guesde", "94400", "Vitry-sur-Seine", "48.794600", "2.409300", "sanofi.com", "https://www.sanofi.fr"),
    ("servier", "Institut de recherches Servier Paris-Saclay", "Servier", "other", "company", False, "", "22 route 128", "91190", "Gif-sur-Yvette", "48.719500", "2.156000", "servier.com", "https://servier.com"),
)

# Institutions where a few people work outside any unit (companies, funders, associations).
NON_UNIT_EMPLOYERS = ("ligue", "unicancer", "arc", "inca", "sanofi", "servier", "rothschild")

# AP-HP hospitals and services, for the hospital side of clinicians.
APHP_HOSPITALS = (
    "hôpital Saint-Louis", "hôpital de la Pitié-Salpêtrière", "hôpital européen Georges-Pompidou",
    "hôpital Cochin", "hôpital Necker-Enfants malades", "hôpital Saint-Antoine", "hôpital Tenon",
    "hôpital Bicêtre", "hôpital Henri-Mondor", "hôpital Avicenne", "hôpital Bichat-Claude-Bernard",
    "hôpital Robert-Debré", "hôpital Paul-Brousse", "hôpital Armand-Trousseau", "hôpital Lariboisière",
)
HOSPITAL_SERVICES = (
    "oncologie médicale", "hématologie", "radiothérapie", "anatomie pathologique", "chirurgie digestive",
    "pneumologie", "dermatologie", "oncologie pédiatrique", "gériatrie", "santé publique",
    "imagerie médicale",
)

# name, acronym, code, city, parent keys: real units of the region, codes given as labels.
UNITS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Centre de recherche des Cordeliers", "CRC", "UMR-S 1138", "Paris", "inserm su upc"),
    ("Institut Cochin", "", "U1016 / UMR 8104", "Paris", "inserm cnrs upc"),
    ("Centre de recherche Saint-Antoine", "CRSA", "UMR-S 938", "Paris", "inserm su"),
    ("Institut de recherche Saint-Louis", "IRSL", "U944", "Paris", "inserm cnrs upc"),
    ("Biologie cellulaire et cancer", "", "UMR 144", "Paris", "curie cnrs su"),
    ("Immunité et cancer", "", "U932", "Paris", "curie inserm"),
    ("Dynamique de l'information génétique", "", "UMR 3244", "Paris", "curie cnrs su"),
    ("Signalisation, radiobiologie et cancer", "", "UMR 3347 / U1021", "Orsay", "curie cnrs inserm ups"),
    ("Chimie et modélisation pour la biologie du cancer", "CMBC", "UMR 9187 / U1196", "Orsay", "curie cnrs inserm ups"),
    ("Cancer, hétérogénéité, instabilité et plasticité", "CHIP", "U830", "Paris", "curie inserm"),
    ("Immunologie des tumeurs et immunothérapie", "", "U1015", "Villejuif", "gr inserm ups"),
    ("Biomarqueurs prédictifs et nouvelles stratégies thérapeutiques en oncologie", "", "U981", "Villejuif", "gr inserm ups"),
    ("Radiothérapie moléculaire et innovation thérapeutique", "", "U1030", "Villejuif", "gr inserm ups"),
    ("Intégrité du génome et cancers", "", "UMR 9019", "Villejuif", "gr cnrs ups"),
    ("Hématopoïèse normale et pathologique", "", "U1170", "Villejuif", "gr inserm ups"),
    ("Dynamique des cellules tumorales", "", "U1279", "Villejuif", "gr inserm ups"),
    ("Centre de recherche en épidémiologie et santé des populations", "CESP", "U1018", "Villejuif", "inserm ups uvsq"),
    ("Institut des maladies génétiques Imagine", "Imagine", "U1163", "Paris", "imagine inserm upc"),
    ("Institut Necker Enfants Malades", "INEM", "U1151 / UMR 8253", "Paris", "inserm cnrs upc"),
    ("Institut Mondor de recherche biomédicale", "IMRB", "U955", "Créteil", "inserm upec"),
    ("Centre d'immunologie et des maladies infectieuses", "CIMI-Paris", "U1135", "Paris", "inserm su"),
    ("Institut du cerveau – Paris Brain Institute", "ICM", "U1127 / UMR 7225", "Paris", "inserm cnrs su"),
    ("Centre de recherche en épidémiologie et statistiques", "CRESS", "U1153", "Paris", "inserm upc uspn"),
    ("Institut Pierre Louis d'épidémiologie et de santé publique", "IPLESP", "U1136", "Paris", "inserm su"),
    ("Laboratoire d'imagerie biomédicale", "LIB", "U1146 / UMR 7371", "Paris", "inserm cnrs su"),
    ("Imagerie biomédicale multimodale Paris-Saclay", "BioMaps", "U1281 / UMR 9011", "Orsay", "inserm cnrs cea ups"),
    ("Stabilité génétique, cellules souches et radiations", "SCSR", "UMR-E 008", "Fontenay-aux-Roses", "cea upc ups"),
    ("Institut de biologie intégrative de la cellule", "I2BC", "UMR 9198", "Gif-sur-Yvette", "cnrs cea ups"),
    ("Institut Jacques Monod", "IJM", "UMR 7592", "Paris", "cnrs upc"),
    ("Génomes et génétique", "", "UMR 3525", "Paris", "pasteur cnrs"),
    ("Immunologie translationnelle humaine", "", "U1223", "Paris", "pasteur inserm"),
    ("Hématopoïèse et immunologie", "HIPI", "U976", "Paris", "inserm upc"),
    ("Génomique fonctionnelle des tumeurs solides", "FunGeST", "U1162", "Paris", "inserm upc uspn"),
    ("Centre de recherche sur l'inflammation", "CRI", "U1149", "Paris", "inserm upc"),
    ("Laboratoire d'informatique médicale et d'ingénierie des connaissances en e-santé", "LIMICS", "U1142", "Paris", "inserm su uspn"),
    ("Modèles et algorithmes pour la santé", "HeKA", "U1346", "Paris", "inria inserm upc"),
    ("Laboratoire traitement et communication de l'information", "LTCI", "", "Palaiseau", "imt"),
    ("Centre d'investigation clinique Paris Saint-Louis", "CIC", "CIC 1427", "Paris", "inserm aphp upc"),
    ("Unité de technologies chimiques et biologiques pour la santé", "UTCBS", "U1267 / UMR 8258", "Paris", "inserm cnrs upc"),
    ("Institut Galien Paris-Saclay", "IGPS", "UMR 8612", "Orsay", "cnrs ups"),
    ("Physico-chimie Curie", "PCC", "UMR 168", "Paris", "curie cnrs su"),
    ("Institut de chimie des substances naturelles", "ICSN", "UPR 2301", "Gif-sur-Yvette", "cnrs ups"),
    ("Centre de recherche médecine, sciences, santé, santé mentale, société", "CERMES3", "U988 / UMR 8211", "Villejuif", "inserm cnrs upc"),
    ("Laboratoire d'imagerie translationnelle en oncologie", "LITO", "U1288", "Orsay", "curie inserm ups"),
    ("Unité de recherche clinique en oncologie oculaire", "URC-HFAR", "", "Paris", "rothschild"),
    ("Laboratoire de biologie et pharmacologie appliquée", "LBPA", "UMR 8113", "Gif-sur-Yvette", "cnrs ups"),
    ("Infection, inflammation et cancers viro-induits", "", "U1184", "Fontenay-aux-Roses", "inserm cea ups"),
    ("Génétique et biologie des cancers digestifs", "", "U1193", "Villejuif", "inserm ups"),
)

# For units beyond the curated ones: prefix + topic, parents drawn by weight.
UNIT_PREFIXES = ("Laboratoire de", "Unité de recherche en", "Centre de recherche en", "Institut de")
UNIT_TOPICS = (
    "oncologie moléculaire", "biologie des tumeurs solides", "pharmacologie des anticancéreux",
    "génétique des cancers", "immunologie antitumorale", "thérapies innovantes en cancérologie",
    "biophysique de la cellule cancéreuse", "microenvironnement tumoral",
    "signalisation cellulaire et cancer", "cancérologie translationnelle", "radiobiologie",
    "épigénétique et différenciation", "biologie des cellules souches", "hématologie et oncologie",
    "oncologie pédiatrique", "biostatistique et épidémiologie clinique", "santé publique et cancer",
    "nanomédecine", "imagerie et modélisation", "bio-informatique et biologie des systèmes",
    "chimie pour le vivant", "métabolisme et cancer", "vieillissement et cancer", "virologie et oncogenèse",
    "médecine de précision",
)
RESEARCH_ORG_WEIGHTS = {"inserm": 6, "cnrs": 3, "cea": 1}
UNIVERSITY_WEIGHTS = {"upc": 4, "su": 4, "ups": 4, "upec": 1, "uspn": 1, "uvsq": 1, "uevry": 1, "cyu": 0.5}

# Team themes ("name|keyword;keyword;keyword"), with the keywords members are most likely to list.
TEAM_THEMES: tuple[str, ...] = (
    "Immunologie des tumeurs|immunothérapie;lymphocytes T;microenvironnement tumoral",
    "Signalisation et métastases|métastases;signalisation cellulaire;migration cellulaire",
    "Épigénétique et cancer|épigénétique;méthylation de l'ADN;chromatine",
    "Réparation de l'ADN et instabilité génomique|réparation de l'ADN;instabilité génomique;BRCA1/2",
    "Microenvironnement tumoral et stroma|microenvironnement tumoral;fibroblastes associés au cancer;inflammation",
    "Cellules souches cancéreuses|cellules souches cancéreuses;résistance aux traitements;organoïdes",
    "Métabolisme des cellules tumorales|métabolisme tumoral;hypoxie;métabolomique",
    "Immunothérapie et vaccins antitumoraux|immunothérapie;vaccins thérapeutiques;inhibiteurs de points de contrôle",
    "Radiobiologie et radiothérapie|radiobiologie;radiothérapie;FLASH radiotherapy",
    "Oncogenèse virale|virus et cancer;HPV;oncogenèse",
    "Leucémies aiguës|leucémies aiguës myéloïdes;onco-hématologie;single-cell RNA-seq",
    "Lymphomes et immunité|lymphomes;onco-hématologie;immunologie",
    "Myélome et plasmocytes|myélome multiple;onco-hématologie;microenvironnement tumoral",
    "Cancers du sein : biologie et thérapeutique|cancer du sein;thérapies ciblées;biomarqueurs",
    "Cancers pédiatriques|cancers pédiatriques;neuroblastome;sarcomes",
    "Neuro-oncologie|glioblastome;neuro-oncologie;imagerie médicale",
    "Cancers digestifs|cancer colorectal;cancer du pancréas;microbiote",
    "Cancers du poumon|cancer du poumon;thérapies ciblées;biopsie liquide",
    "Mélanome et cancers cutanés|mélanome;immunothérapie;résistance aux traitements",
    "Sarcomes et tumeurs rares|sarcomes;cancers rares;génomique tumorale",
    "Cancers gynécologiques|cancer de l'ovaire;BRCA1/2;essais cliniques",
    "Cancers de la prostate|cancer de la prostate;hormonothérapie;radiothérapie",
    "Génétique des prédispositions|prédisposition génétique;génétique constitutionnelle;BRCA1/2",
    "Biologie des télomères|télomères;sénescence;instabilité génomique",
    "Dynamique du cytosquelette et invasion|cytosquelette;migration cellulaire;mécanobiologie",
    "Mécanobiologie tumorale|mécanobiologie;microscopie super-résolution;modélisation mathématique",
    "Angiogenèse tumorale|angiogenèse;hypoxie;microenvironnement tumoral",
    "Inflammation et cancer|inflammation;immunologie;microbiote",
    "Microbiote et cancer|microbiote;immunothérapie;cancer colorectal",
    "Résistance aux traitements|résistance aux traitements;thérapies ciblées;pharmacologie",
    "Pharmacologie des anticancéreux|pharmacologie;chimiothérapie;essais de phase précoce",
    "Nanomédecine et vectorisation|nanomédecine;chimie médicinale;imagerie moléculaire",
    "Biologie des systèmes et modélisation|biologie des systèmes;modélisation mathématique;bio-informatique",
    "Bio-informatique des génomes tumoraux|bio-informatique;whole-genome sequencing;génomique tumorale",
    "Intelligence artificielle et imagerie|intelligence artificielle;deep learning;radiomics",
    "Imagerie moléculaire|imagerie moléculaire;TEP-TDM;IRM",
    "Épidémiologie des cancers|épidémiologie;cohortes;facteurs de risque environnementaux",
    "Prévention et dépistage|prévention;dépistage;inégalités sociales de santé",
    "Oncogériatrie et parcours de soins|oncogériatrie;soins de support;qualité de vie",
    "Sciences sociales du cancer|sciences humaines et sociales;inégalités sociales de santé;qualité de vie",
    "Économie de la santé et innovation|économie de la santé;essais cliniques;médecine de précision",
    "Essais cliniques précoces|essais de phase précoce;thérapies ciblées;pharmacologie",
    "Biomarqueurs circulants|biopsie liquide;ADN tumoral circulant;biomarqueurs",
    "Transcription et chromatine|chromatine;transcription;épigénétique",
    "Cycle cellulaire et mitose|cycle cellulaire;mitose;instabilité génomique",
    "Mort cellulaire et autophagie|apoptose;autophagie;métabolisme tumoral",
    "Sénescence et cancer|sénescence;vieillissement;inflammation",
    "ARN non codants|ARN non codants;transcription;bio-informatique",
    "Plasticité cellulaire et transition épithélio-mésenchymateuse|transition épithélio-mésenchymateuse;métastases;plasticité cellulaire",
    "Cellules NK et immunosurveillance|cellules NK;immunologie;immunothérapie",
    "Lymphocytes T et cancer|lymphocytes T;CAR-T cells;immunothérapie",
    "Organoïdes et modèles précliniques|organoïdes;xénogreffes (PDX);médecine de précision",
    "Chimie biologique et criblage|criblage de molécules;chimie médicinale;CRISPR screening",
    "Radiothérapie guidée par l'image|radiothérapie;imagerie médicale;protonthérapie",
    "Génomique single-cell|single-cell RNA-seq;spatial transcriptomics;bio-informatique",
    "Protéomique du cancer|protéomique;spectrométrie de masse;biomarqueurs",
    "Hématopoïèse et leucémogenèse|onco-hématologie;cellules souches hématopoïétiques;syndromes myélodysplasiques",
    "Cancers des voies aérodigestives supérieures|cancers ORL;HPV;radiothérapie",
    "Tumeurs du rein et de la vessie|cancer du rein;cancer de la vessie;immunothérapie",
    "Carcinome hépatocellulaire|carcinome hépatocellulaire;inflammation;métabolisme tumoral",
)

# The working groups' themes.
THEMES = (
    "Cancers rares", "Oncogériatrie", "Radiothérapie et radiobiologie", "Immunothérapie",
    "Cancers pédiatriques", "Épidémiologie et prévention", "Sciences humaines et sociales",
    "Intelligence artificielle", "Métastases", "Onco-hématologie",
)

# Expertise vocabulary, French and English mixed as researchers write it.
VOCABULARY = (
    "immunothérapie", "inhibiteurs de points de contrôle", "CAR-T cells", "lymphocytes T", "cellules NK",
    "macrophages associés aux tumeurs", "microenvironnement tumoral", "single-cell RNA-seq",
    "spatial transcriptomics", "séquençage haut débit", "whole-genome sequencing", "génomique tumorale",
    "épigénétique", "méthylation de l'ADN", "chromatine", "transcription", "ARN non codants",
    "réparation de l'ADN", "instabilité génomique", "télomères", "cycle cellulaire", "mitose", "apoptose",
    "autophagie", "sénescence", "vieillissement", "métabolisme tumoral", "hypoxie", "angiogenèse",
    "métastases", "transition épithélio-mésenchymateuse", "plasticité cellulaire",
    "cellules souches cancéreuses", "résistance aux traitements", "thérapies ciblées", "chimiothérapie",
    "hormonothérapie", "pharmacologie", "radiothérapie", "radiobiologie", "protonthérapie",
    "FLASH radiotherapy", "imagerie médicale", "imagerie moléculaire", "TEP-TDM", "IRM",
    "microscopie super-résolution", "deep learning", "intelligence artificielle", "radiomics",
    "bio-informatique", "biologie des systèmes", "modélisation mathématique", "protéomique",
    "spectrométrie de masse", "métabolomique", "organoïdes", "modèles murins", "xénogreffes (PDX)",
    "CRISPR screening", "criblage de molécules", "chimie médicinale", "nanomédecine", "biopsie liquide",
    "ADN tumoral circulant", "biomarqueurs", "médecine de précision", "essais cliniques",
    "essais de phase précoce", "épidémiologie", "cohortes", "prévention", "dépistage",
    "facteurs de risque environnementaux", "tabac", "nutrition et cancer", "oncogériatrie",
    "soins de support", "qualité de vie", "sciences humaines et sociales", "économie de la santé",
    "inégalités sociales de santé", "cancer du sein", "cancer de l'ovaire", "cancer du poumon",
    "cancer colorectal", "cancer du pancréas", "cancer de la prostate", "carcinome hépatocellulaire",
    "mélanome", "glioblastome", "neuro-oncologie", "neuroblastome", "sarcomes", "cancers rares",
    "cancers pédiatriques", "leucémies aiguës myéloïdes", "leucémie lymphoïde chronique", "lymphomes",
    "myélome multiple", "syndromes myélodysplasiques", "cellules souches hématopoïétiques",
    "onco-hématologie", "virus et cancer", "HPV", "microbiote", "inflammation", "immunologie",
    "vaccins thérapeutiques", "oncogenèse", "signalisation cellulaire", "kinases", "RAS", "p53",
    "mécanobiologie", "cytosquelette", "migration cellulaire", "fibroblastes associés au cancer",
    "génétique constitutionnelle", "prédisposition génétique", "BRCA1/2", "cancer du rein",
    "cancer de la vessie", "tumeurs neuroendocrines", "mésothéliome", "cancers ORL",
)

FEMALE_FIRST_NAMES = (
    "Marie", "Camille", "Léa", "Chloé", "Manon", "Inès", "Sarah", "Julie", "Claire", "Hélène", "Anne-Sophie",
    "Marie-Claire", "Isabelle", "Nathalie", "Sophie", "Céline", "Émilie", "Élodie", "Aurélie", "Mathilde",
    "Pauline", "Lucie", "Clémence", "Charlotte", "Juliette", "Margaux", "Agathe", "Zoé", "Maëlle", "Anaïs",
    "Héloïse", "Noémie", "Solène", "Laëtitia", "Bérénice", "Françoise", "Geneviève", "Béatrice", "Valérie",
    "Sandrine", "Stéphanie", "Véronique", "Cécile", "Delphine", "Virginie", "Karine", "Florence",
    "Anne-Laure", "Marie-Hélène", "Marie-Pierre", "Yasmine", "Nadia", "Samira", "Leïla", "Amina", "Fatoumata",
    "Mei", "Lin", "Elena", "Giulia", "Sofia", "Ana", "Irène", "Adèle", "Éléonore", "Ophélie", "Capucine",
    "Salomé", "Jeanne", "Louise", "Alice", "Emma", "Gaëlle", "Morgane", "Armelle", "Sylvie", "Anne", "Laure",
    "Maud", "Ségolène", "Rim", "Aïcha",
)
MALE_FIRST_NAMES = (
    "Jean", "Pierre", "Nicolas", "Thomas", "Julien", "Antoine", "Guillaume", "Maxime", "Alexandre", "Hugo",
    "Lucas", "Louis", "Mathieu", "Sébastien", "Stéphane", "Frédéric", "François", "Jérôme", "Loïc", "Gaël",
    "Yann", "Benoît", "Rémi", "Cédric", "Hervé", "Jean-Baptiste", "Jean-Philippe", "Jean-François",
    "Pierre-Yves", "Jean-Luc", "Marc-Antoine", "Étienne", "Théo", "Clément", "Adrien", "Romain", "Damien",
    "Olivier", "Laurent", "Philippe", "Éric", "Bruno", "Christophe", "Vincent", "Arnaud", "Raphaël", "Gaëtan",
    "Noël", "Joël", "Karim", "Mehdi", "Youssef", "Amadou", "Moussa", "Wei", "Hao", "Marco", "Luca", "Pablo",
    "Andrei", "Dimitri", "Timothée", "Grégoire", "Aurélien", "Bastien", "Quentin", "Florian", "Jonathan",
    "Benjamin", "Xavier", "Denis", "Patrick", "Michel", "Alain", "Gilles", "Thierry", "Jérémie", "Anis",
    "Samuel",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
    "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
    "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger",
    "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Pérez", "Marchand", "Dufour", "Blanchard",
    "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez", "Renard", "Arnaud",
    "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard",
    "Gaillard", "Leclercq", "Lacroix", "Fabre", "Dupuis", "Olivier", "Rodriguez", "Hubert", "Charles",
    "Guillot", "Rivière", "Hébert", "Thébault", "Lécuyer", "Séguin", "Bégué", "Frémont", "Ménard", "Crémieux",
    "Bénard", "Géraud", "Béranger", "Tran", "Pham", "Benali", "Haddad", "Benhamou", "Cohen", "Lévy", "Chérif",
    "Mansouri", "Diallo", "Traoré", "Camara", "Ferreira", "Rossi", "Bianchi", "Kowalski", "Novak", "Wang",
    "Zhang", "Chen", "Dupré", "Lemaître", "Besançon", "Prévost", "Jacquet", "Carré", "Bouvier", "Marty",
    "Collet",
)
COMPOSED_LAST_NAMES = (
    "Le Gall", "Le Goff", "Le Roux", "Le Bihan", "Da Silva", "De Oliveira", "de Villiers", "d'Almeida",
    "Le Maréchal", "Saint-Martin", "de La Roche", "Dos Santos", "Ben Ahmed", "Van der Berg",
)

# (feminine, masculine, weight) titles per career stage. {org}: the employer's short name; researchers
# of employers that are not research organisations are "Chercheuse" / "Chercheur".
TITLES: dict[str, tuple[tuple[str, str, int], ...]] = {
    "phd_student": (("Doctorante", "Doctorant", 5), ("Doctorante (contrat CIFRE)", "Doctorant (contrat CIFRE)", 1)),
    "postdoc": (("Chercheuse post-doctorale", "Chercheur post-doctoral", 4), ("Post-doctorante, bourse Marie Skłodowska-Curie", "Post-doctorant, bourse Marie Skłodowska-Curie", 1)),
    "researcher": (("Directrice de recherche {org}", "Directeur de recherche {org}", 2), ("Chargée de recherche {org}", "Chargé de recherche {org}", 3)),
    "teacher_researcher": (("Professeure des universités", "Professeur des universités", 2), ("Maîtresse de conférences", "Maître de conférences", 3)),
    "clinician": (("Praticienne hospitalière, oncologie médicale", "Praticien hospitalier, oncologie médicale", 3), ("Oncologue radiothérapeute", "Oncologue radiothérapeute", 1), ("Hématologue", "Hématologue", 1), ("Médecin pathologiste", "Médecin pathologiste", 1), ("Cheffe de clinique assistante", "Chef de clinique assistant", 1)),
    "clinician_researcher": (("PU-PH, oncologie médicale", "PU-PH, oncologie médicale", 2), ("PU-PH, hématologie", "PU-PH, hématologie", 1), ("MCU-PH, anatomie pathologique", "MCU-PH, anatomie pathologique", 1), ("PU-PH, épidémiologie et santé publique", "PU-PH, épidémiologie et santé publique", 1)),
    "engineer": (("Ingénieure de recherche", "Ingénieur de recherche", 3), ("Ingénieure d'études en bio-informatique", "Ingénieur d'études en bio-informatique", 2), ("Ingénieure biostatisticienne", "Ingénieur biostatisticien", 1)),
    "technician": (("Technicienne de laboratoire", "Technicien de laboratoire", 3), ("Assistante ingénieure", "Assistant ingénieur", 2), ("Technicienne en expérimentation animale", "Technicien en expérimentation animale", 1)),
    "other": (("Cheffe de projet", "Chef de projet", 2), ("Chargée de valorisation", "Chargé de valorisation", 1), ("Attachée de recherche clinique", "Attaché de recherche clinique", 2)),
}

# Share of each career stage among team members (team leaders are drawn from the senior ones).
CAREER_STAGE_WEIGHTS = {"phd_student": 22, "postdoc": 16, "researcher": 14, "teacher_researcher": 11, "clinician": 9, "clinician_researcher": 6, "engineer": 11, "technician": 8, "other": 3}
LEADER_STAGE_WEIGHTS = {"researcher": 5, "teacher_researcher": 2, "clinician_researcher": 2, "clinician": 1}
SENIOR_STAGES = ("researcher", "teacher_researcher", "clinician_researcher", "clinician")

BIO_TEMPLATES = (
    "{first} {last} est {title} au sein de l'équipe « {team} ». Ses travaux portent sur {kw1} et {kw2}.",
    "Après une thèse consacrée à {kw1}, {first} a rejoint l'équipe « {team} » ({unit}). Ses recherches actuelles portent sur {kw2}.",
    "{first} {last} is a member of the {team} team ({unit}), working on {kw1} and {kw2}.",
    "Ses recherches portent sur {kw1}, avec un intérêt particulier pour {kw2} et les collaborations entre cliniciens et biologistes.",
    "{title_cap} ({unit}). Thématiques : {kw1}, {kw2}. Ouvert·e aux collaborations au sein du réseau.",
    "My work focuses on {kw1} and {kw2}, combining experimental models with patient samples.",
)

# Technology platforms: name, acronym, host, host unit (acronym or code), kind, label, label start year, site.
PLATFORMS: tuple[tuple[str, str, str, str, str, str, int, str], ...] = (
    ("Plateforme de génomique de l'Institut Curie", "ICGex", "curie", "U830", "genomics", "ibisa", 2016, "Paris – site Curie"),
    ("Plateforme de cytométrie de l'Institut Curie", "CytPF", "curie", "U932", "cytometry", "ibisa", 2018, "Paris – site Curie"),
    ("Plateforme d'imagerie cellulaire et tissulaire", "PICT", "curie", "UMR 144", "imaging", "ibisa", 2015, "Paris et Orsay"),
    ("Plateforme de spectrométrie de masse et protéomique", "LSMP", "curie", "U830", "proteomics", "ibisa_2y", 2022, "Paris – site Curie"),
    ("Plateforme de génomique Gustave Roussy", "GenomiC", "gr", "U981", "genomics", "ibisa", 2017, "Villejuif"),
    ("Plateforme d'imagerie et de cytométrie", "PFIC", "gr", "U1015", "cytometry", "canceropole", 2019, "Villejuif"),
    ("Plateforme d'évaluation préclinique", "PFEP", "gr", "U1030", "animal", "ibisa", 2014, "Villejuif"),
    ("Plateforme de bio-informatique Gustave Roussy", "BiGR", "gr", "U981", "bioinformatics", "", 0, "Villejuif"),
    ("Plateforme protéomique Paris Centre", "3P5", "upc", "U1016 / UMR 8104", "proteomics", "ibisa", 2016, "Paris – Institut Cochin"),
    ("Plateforme de génomique de l'Institut Cochin", "Genom'IC", "upc", "U1016 / UMR 8104", "genomics", "ibisa", 2015, "Paris – Institut Cochin"),
    ("Centre d'histologie, d'imagerie et de cytométrie", "CHIC", "su", "UMR-S 1138", "histology", "canceropole", 2018, "Paris – Cordeliers"),
    ("Plateforme d'imagerie du vivant", "PIV", "upc", "UMR-S 938", "preclinical_imaging", "ibisa_pre", 2023, "Paris"),
    ("Plateforme de séquençage Biomics", "Biomics", "pasteur", "UMR 3525", "genomics", "ibisa", 2013, "Paris – campus Pasteur"),
    ("Plateforme d'imagerie photonique", "UTechS PBI", "pasteur", "U1223", "imaging", "ibisa", 2016, "Paris – campus Pasteur"),
    ("Plateforme de métabolomique et lipidomique", "MetaboCord", "su", "UMR-S 1138", "metabolomics", "ibisa_2y", 2021, "Paris – Cordeliers"),
    ("Plateforme organoïdes et modèles 3D du cancer", "Organo3D", "curie", "UMR 144", "organoids", "canceropole", 2021, "Paris – site Curie"),
    ("Centre d'explorations fonctionnelles", "CEF", "su", "U1135", "animal", "", 0, "Paris – Pitié-Salpêtrière"),
    ("Plateforme de radiothérapie expérimentale", "RadExp", "curie", "UMR 3347 / U1021", "radiobiology", "ibisa", 2019, "Orsay"),
    ("Plateforme de criblage et chimiothèque", "CIBI", "cnrs", "UPR 2301", "screening", "ibisa", 2012, "Gif-sur-Yvette"),
    ("Plateforme d'imagerie biomédicale multimodale", "IMAGERIE-BioMaps", "cea", "U1281 / UMR 9011", "preclinical_imaging", "ibisa", 2014, "Orsay – Service hospitalier Frédéric-Joliot"),
)

# What each kind of platform offers: technologies (";"-separated), services, equipment.
PLATFORM_KINDS: dict[str, tuple[str, str, str]] = {
    "genomics": ("séquençage haut débit;single-cell RNA-seq;spatial transcriptomics;whole-genome sequencing", "Séquençage d'exomes et de génomes, RNA-seq, single-cell (10x Genomics), transcriptomique spatiale, accompagnement à la conception des projets et analyse primaire des données.", "Séquenceurs Illumina NovaSeq 6000 et NextSeq 2000, Chromium X (10x Genomics), Visium CytAssist."),
    "cytometry": ("cytométrie en flux;tri cellulaire;cytométrie spectrale", "Analyse multiparamétrique, tri cellulaire en conditions stériles (L2), cytométrie spectrale, formation des utilisateurs à l'utilisation autonome.", "Trieurs BD FACSAria Fusion, cytomètre spectral Cytek Aurora 5L, analyseurs BD LSRFortessa."),
    "imaging": ("microscopie super-résolution;microscopie confocale;imagerie intravitale", "Microscopie confocale et biphotonique, super-résolution (STED, SMLM), vidéomicroscopie, analyse d'images et développement de pipelines.", "Microscopes confocaux Leica SP8 et Zeiss LSM 980, STED Abberior, spinning-disk Nikon."),
    "proteomics": ("protéomique;spectrométrie de masse;phosphoprotéomique", "Identification et quantification de protéines, phosphoprotéomique, interactomique, protéomique à partir d'échantillons cliniques.", "Spectromètres Orbitrap Exploris 480 et timsTOF Pro 2, chaînes nanoLC."),
    "animal": ("modèles murins;xénogreffes (PDX);expérimentation animale", "Hébergement et expérimentation en zone protégée, modèles de xénogreffes dérivées de patients, études d'efficacité et de tolérance, suivi par imagerie.", "Zones A2 et L2, portoirs ventilés, irradiateur X-RAD 225, échographe Vevo 3100."),
    "bioinformatics": ("bio-informatique;génomique tumorale;intelligence artificielle", "Analyse de données de séquençage (génome, exome, RNA-seq, single-cell), intégration multi-omique, formations, développement d'outils et hébergement de données sur un cluster dédié.", "Cluster de calcul (3 000 cœurs, GPU), stockage sécurisé de 2 Po, environnement conforme HDS."),
    "histology": ("histologie;anatomie pathologique;imagerie multiplexée", "Inclusion, coupe, immunohistochimie, immunofluorescence multiplexée, numérisation de lames, analyse quantitative d'images.", "Scanner de lames Hamamatsu NanoZoomer, automate Ventana Discovery, système PhenoCycler."),
    "preclinical_imaging": ("imagerie moléculaire;TEP-TDM;IRM", "Imagerie in vivo du petit animal : TEP, TDM, IRM, bioluminescence ; radiochimie et développement de traceurs.", "IRM 7 T Bruker, TEP-TDM Inveon, imageur optique IVIS Spectrum."),
    "metabolomics": ("métabolomique;spectrométrie de masse;métabolisme tumoral", "Métabolomique ciblée et non ciblée, lipidomique, flux isotopiques, analyses statistiques.", "Spectromètres Q Exactive, Xevo TQ-XS, chromatographie UHPLC."),
    "organoids": ("organoïdes;médecine de précision;criblage de molécules", "Établissement et culture d'organoïdes tumoraux dérivés de patients, tests de sensibilité aux médicaments, co-cultures avec des cellules immunitaires.", "Postes de sécurité microbiologique, incubateurs hypoxie, imageur Incucyte, robot de pipetage."),
    "radiobiology": ("radiobiologie;radiothérapie;FLASH radiotherapy;protonthérapie", "Irradiations précliniques de cellules et de petits animaux, dosimétrie, irradiations FLASH, accompagnement méthodologique.", "Irradiateur SARRP, accélérateur d'électrons FLASH, ligne de protons expérimentale."),
    "screening": ("criblage de molécules;chimie médicinale;CRISPR screening", "Criblage phénotypique et ciblé à haut débit, chimiothèque de 50 000 molécules, cribles CRISPR pangénomiques, analyse des résultats.", "Robots Echo 650 et Biomek i7, lecteur de plaques Envision, imageur Opera Phenix."),
}

# name, acronym, city, institutions served, website (left blank when not sure of it).
TECH_TRANSFER_OFFICES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Inserm Transfert", "", "Paris", "inserm", "https://www.inserm-transfert.fr"),
    ("SATT Lutech", "", "Paris", "su cnrs", "https://www.sattlutech.com"),
    ("SATT Paris-Saclay", "", "Orsay", "ups uvsq uevry cea", "https://www.satt-paris-saclay.fr"),
    ("SATT Erganeo", "", "Paris", "upc upec uspn", "https://www.erganeo.com"),
    ("Office du transfert de technologie et des partenariats industriels de l'AP-HP", "OTT&PI", "Paris", "aphp", ""),
    ("Institut Curie – Direction de la valorisation et des partenariats industriels", "", "Paris", "curie", ""),
    ("Gustave Roussy Transfert", "", "Villejuif", "gr", ""),
    ("CNRS Innovation", "", "Paris", "cnrs", ""),
)

PLATFORM_ACCESS = (
    "Ouverte aux équipes académiques et aux partenaires industriels. Projets discutés lors d'un rendez-vous préalable ; utilisation autonome après formation ; réservation en ligne.",
    "Accès prioritaire aux équipes des tutelles, ouvert aux autres équipes académiques et aux entreprises selon les disponibilités. Prestations réalisées par le personnel de la plateforme ou en collaboration.",
    "Ouverte à tous les laboratoires publics et privés. Demande par formulaire, étude de faisabilité, devis ; les publications mentionnent la plateforme.",
)

# fmt: on
