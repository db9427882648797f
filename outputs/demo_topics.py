"""A small topic model of oncology for the demo publications: each topic has the directory keywords
it answers to (folded substrings), English and French phrases, and the diseases it is about.

Titles and abstracts are drawn from a person's own topics, so the expertise engine has coherent
text to learn from; about a fifth of the papers are written in French, as in the network.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    keywords: tuple[str, ...]  # folded substrings of directory keyword labels
    en: tuple[str, ...]
    fr: tuple[str, ...]
    diseases: tuple[tuple[str, str], ...] = ()  # (English, French)


SOLID = (("breast cancer", "le cancer du sein"), ("colorectal cancer", "le cancer colorectal"), ("lung cancer", "le cancer du poumon"), ("melanoma", "le mélanome"))  # fmt: skip

TOPICS: tuple[Topic, ...] = (
    Topic("immunology", ("immuno", "lymphocytes t", "car-t", "cellules nk", "vaccin", "points de controle", "macrophage"),
          ("CD8+ T cell exhaustion", "immune checkpoint blockade", "PD-1 inhibition", "tumour-infiltrating lymphocytes", "CAR-T cell persistence", "NK cell cytotoxicity", "regulatory T cells", "antigen presentation", "interferon-gamma signalling", "tumour-associated macrophages"),
          ("l'épuisement des lymphocytes T CD8+", "le blocage des points de contrôle immunitaire", "les lymphocytes infiltrant la tumeur", "les cellules CAR-T", "les lymphocytes T régulateurs", "la présentation antigénique", "les macrophages associés aux tumeurs"),
          (("melanoma", "le mélanome"), ("non-small cell lung cancer", "le cancer bronchique non à petites cellules"), ("renal cell carcinoma", "le cancer du rein"))),
    Topic("microenvironment", ("microenvironnement", "fibroblastes", "stroma", "inflammation", "angiogenese"),
          ("cancer-associated fibroblasts", "extracellular matrix stiffness", "stromal remodelling", "chronic inflammation", "tumour angiogenesis", "VEGF signalling", "hypoxic niches", "myeloid-derived suppressor cells"),
          ("les fibroblastes associés au cancer", "la matrice extracellulaire", "le remodelage du stroma", "l'inflammation chronique", "l'angiogenèse tumorale", "les niches hypoxiques"),
          (("pancreatic ductal adenocarcinoma", "l'adénocarcinome du pancréas"), ("breast cancer", "le cancer du sein"))),
    Topic("single-cell", ("single-cell", "spatial", "sequencage", "genomique", "whole-genome", "bio-informatique", "arn non codants"),
          ("single-cell RNA sequencing", "spatial transcriptomics", "clonal evolution", "copy-number alterations", "whole-genome sequencing", "transcriptional states", "long non-coding RNAs", "cell-type deconvolution"),
          ("le séquençage de l'ARN en cellule unique", "la transcriptomique spatiale", "l'évolution clonale", "les altérations du nombre de copies", "le séquençage du génome entier", "les ARN non codants"),
          (("glioblastoma", "le glioblastome"), ("acute myeloid leukaemia", "la leucémie aiguë myéloïde"))),
    Topic("epigenetics", ("epigenet", "methylation", "chromatine", "transcription"),
          ("DNA methylation", "chromatin accessibility", "histone modifications", "enhancer reprogramming", "polycomb repression", "transcriptional plasticity"),
          ("la méthylation de l'ADN", "l'accessibilité de la chromatine", "les modifications des histones", "la reprogrammation des enhancers", "la plasticité transcriptionnelle"),
          (("paediatric high-grade glioma", "le gliome de haut grade de l'enfant"), ("acute myeloid leukaemia", "la leucémie aiguë myéloïde"))),
    Topic("dna-repair", ("reparation de l'adn", "instabilite genomique", "brca", "telomere", "cycle cellulaire", "mitose", "predisposition", "genetique constitutionnelle"),
          ("homologous recombination deficiency", "PARP inhibitor sensitivity", "replication stress", "BRCA1 and BRCA2 mutations", "telomere maintenance", "chromosomal instability", "mitotic checkpoint", "germline predisposition"),
          ("le déficit de recombinaison homologue", "la sensibilité aux inhibiteurs de PARP", "le stress réplicatif", "les mutations de BRCA1 et BRCA2", "le maintien des télomères", "l'instabilité chromosomique", "la prédisposition génétique"),
          (("ovarian cancer", "le cancer de l'ovaire"), ("breast cancer", "le cancer du sein"))),
    Topic("metastasis", ("metastase", "migration", "cytosquelette", "mecanobiologie", "transition epithelio", "plasticite", "signalisation", "kinase", "ras"),
          ("epithelial-mesenchymal transition", "cell migration", "actin cytoskeleton dynamics", "metastatic colonisation", "mechanotransduction", "RAS-MAPK signalling", "invadopodia formation", "circulating tumour cell clusters"),
          ("la transition épithélio-mésenchymateuse", "la migration cellulaire", "la dynamique du cytosquelette d'actine", "la colonisation métastatique", "la mécanotransduction", "la signalisation RAS-MAPK"),
          SOLID),
    Topic("metabolism", ("metabolisme", "hypoxie", "metabolomique", "autophagie", "apoptose", "senescence", "vieillissement"),
          ("glutamine metabolism", "mitochondrial respiration", "hypoxia-inducible factors", "lipid metabolism", "autophagy flux", "apoptosis resistance", "senescence-associated secretory phenotype"),
          ("le métabolisme de la glutamine", "la respiration mitochondriale", "les facteurs induits par l'hypoxie", "le métabolisme lipidique", "l'autophagie", "la sénescence cellulaire"),
          (("hepatocellular carcinoma", "le carcinome hépatocellulaire"), ("glioblastoma", "le glioblastome"))),
    Topic("resistance", ("resistance", "cellules souches", "organoide", "xenogreffe", "modeles murins", "criblage", "crispr", "chimie medicinale", "nanomedecine", "pharmacologie", "chimiotherapie"),
          ("drug-tolerant persister cells", "patient-derived organoids", "patient-derived xenografts", "CRISPR screening", "cancer stem cells", "acquired resistance", "drug combination screening", "nanoparticle delivery"),
          ("les cellules persistantes tolérantes aux traitements", "les organoïdes dérivés de patients", "les xénogreffes dérivées de patients", "le criblage CRISPR", "les cellules souches cancéreuses", "la résistance acquise"),
          SOLID),
    Topic("radiotherapy", ("radiotherapie", "radiobiologie", "protontherapie", "flash"),
          ("FLASH radiotherapy", "proton therapy", "radiation-induced DNA damage", "stereotactic body radiotherapy", "normal tissue toxicity", "radiosensitisation", "hypofractionation"),
          ("la radiothérapie FLASH", "la protonthérapie", "les dommages de l'ADN radio-induits", "la radiothérapie stéréotaxique", "la toxicité sur les tissus sains", "l'hypofractionnement"),
          (("head and neck cancer", "le cancer des voies aérodigestives supérieures"), ("prostate cancer", "le cancer de la prostate"), ("glioblastoma", "le glioblastome"))),
    Topic("haematology", ("leucemie", "lymphome", "myelome", "onco-hematologie", "myelodysplasique", "hematopoiet"),
          ("haematopoietic stem cells", "clonal haematopoiesis", "minimal residual disease", "FLT3 mutations", "bone marrow niche", "B-cell receptor signalling", "plasma cell dyscrasia"),
          ("les cellules souches hématopoïétiques", "l'hématopoïèse clonale", "la maladie résiduelle", "les mutations de FLT3", "la niche médullaire", "la signalisation du récepteur des cellules B"),
          (("acute myeloid leukaemia", "la leucémie aiguë myéloïde"), ("diffuse large B-cell lymphoma", "le lymphome diffus à grandes cellules B"), ("multiple myeloma", "le myélome multiple"))),
    Topic("paediatric", ("pediatri", "neuroblastome", "sarcome", "cancers rares", "neuro-oncologie", "glioblastome"),
          ("paediatric solid tumours", "MYCN amplification", "fusion oncogenes", "rare cancer networks", "brain tumour invasion", "survivorship care"),
          ("les tumeurs solides de l'enfant", "l'amplification de MYCN", "les oncogènes de fusion", "les réseaux des cancers rares", "l'invasion des tumeurs cérébrales"),
          (("neuroblastoma", "le neuroblastome"), ("Ewing sarcoma", "le sarcome d'Ewing"), ("glioblastoma", "le glioblastome"))),
    Topic("digestive", ("colorectal", "pancreas", "hepatocellulaire", "microbiote", "digesti"),
          ("gut microbiota", "liver metastases", "KRAS-mutant tumours", "microsatellite instability", "perioperative chemotherapy", "bacterial metabolites"),
          ("le microbiote intestinal", "les métastases hépatiques", "les tumeurs mutées KRAS", "l'instabilité des microsatellites", "la chimiothérapie périopératoire"),
          (("colorectal cancer", "le cancer colorectal"), ("pancreatic cancer", "le cancer du pancréas"), ("hepatocellular carcinoma", "le carcinome hépatocellulaire"))),
    Topic("breast-gyn", ("cancer du sein", "ovaire", "gynecolog", "hormonotherapie", "prostate"),
          ("oestrogen receptor signalling", "endocrine resistance", "HER2-targeted therapy", "triple-negative tumours", "androgen receptor signalling", "neoadjuvant chemotherapy"),
          ("la signalisation du récepteur aux œstrogènes", "la résistance à l'hormonothérapie", "les thérapies anti-HER2", "les tumeurs triple négatives", "la signalisation du récepteur aux androgènes", "la chimiothérapie néoadjuvante"),
          (("breast cancer", "le cancer du sein"), ("ovarian cancer", "le cancer de l'ovaire"), ("prostate cancer", "le cancer de la prostate"))),
    Topic("imaging-ai", ("intelligence artificielle", "deep learning", "radiomics", "imagerie", "tep", "irm", "microscopie", "modelisation", "biologie des systemes"),
          ("deep learning", "radiomic signatures", "digital pathology", "PET-CT imaging", "MRI-based segmentation", "mathematical modelling", "super-resolution microscopy"),
          ("l'apprentissage profond", "les signatures radiomiques", "la pathologie numérique", "l'imagerie TEP-TDM", "la segmentation en IRM", "la modélisation mathématique"),
          SOLID),
    Topic("biomarkers", ("biopsie liquide", "adn tumoral circulant", "biomarqueur", "proteomique", "spectrometrie", "medecine de precision", "therapies ciblees"),
          ("circulating tumour DNA", "liquid biopsy", "predictive biomarkers", "mass spectrometry proteomics", "targeted therapy selection", "molecular tumour boards"),
          ("l'ADN tumoral circulant", "la biopsie liquide", "les biomarqueurs prédictifs", "la protéomique par spectrométrie de masse", "le choix des thérapies ciblées"),
          SOLID),
    Topic("trials", ("essais", "phase precoce", "economie de la sante", "innovation"),
          ("phase I dose escalation", "basket trials", "real-world evidence", "cost-effectiveness", "patient-reported outcomes", "adaptive trial designs"),
          ("l'escalade de dose de phase I", "les essais en panier", "les données de vie réelle", "le rapport coût-efficacité", "les résultats rapportés par les patients"),
          SOLID),
    Topic("epidemiology", ("epidemiologie", "cohorte", "prevention", "depistage", "facteurs de risque", "tabac", "nutrition", "inegalites"),
          ("population-based cohorts", "screening participation", "social deprivation", "environmental exposures", "tobacco cessation", "dietary patterns", "cancer incidence trends"),
          ("les cohortes en population générale", "la participation au dépistage", "la défavorisation sociale", "les expositions environnementales", "l'arrêt du tabac", "les habitudes alimentaires", "l'incidence des cancers"),
          SOLID),
    Topic("care", ("oncogeriatrie", "soins de support", "qualite de vie", "sciences humaines", "parcours"),
          ("geriatric assessment", "quality of life", "supportive care", "care pathways", "shared decision-making", "caregiver burden"),
          ("l'évaluation gériatrique", "la qualité de vie", "les soins de support", "les parcours de soins", "la décision médicale partagée", "le vécu des aidants"),
          SOLID),
    Topic("viruses", ("virus", "hpv", "oncogenese"),
          ("HPV-driven carcinogenesis", "viral oncoproteins", "Epstein-Barr virus", "viral integration sites", "oncogenic transformation"),
          ("la cancérogenèse induite par HPV", "les oncoprotéines virales", "le virus d'Epstein-Barr", "les sites d'intégration virale", "la transformation oncogénique"),
          (("cervical cancer", "le cancer du col de l'utérus"), ("head and neck cancer", "le cancer des voies aérodigestives supérieures"))),
)  # fmt: skip

EN_TITLES = (
    "{A} and {b} in {disease}",
    "Role of {a} in {disease}",
    "{A} and {b}: implications for {disease}",
    "Targeting {a} to overcome {b} in {disease}",
    "{A} as a predictor of outcome in {disease}: a multicentre cohort study",
    "Mapping {a} in {disease} by {c}",
    "Interplay between {a} and {b} during {disease} progression",
)
FR_TITLES = (
    "Rôle de {a} dans {disease}",
    "{A} et {b} : quelles implications pour {disease} ?",
    "{A} dans {disease} : étude de cohorte multicentrique",
    "Apport de {a} pour {disease}",
)
EN_SENTENCES = {
    "background": (
        "The role of {a} in {b} is a major open question in {disease}.",
        "The links between {a} and {b} in {disease} remain poorly understood.",
        "Patients with {disease} often relapse despite treatment, and {a} may be involved.",
    ),
    "methods": (
        "We analysed {n} samples from patients with {disease} using {c}.",
        "We combined {c} with {a} profiling in a cohort of {n} patients.",
        "Using mouse models and {n} patient samples, we studied {a} and {b}.",
    ),
    "results": (
        "We found an association between {a} and {b}, with shorter overall survival (hazard ratio {hr}).",
        "Tumours with high {a} showed marked {b}.",
        "Inhibiting {a} reduced {b} and delayed tumour growth.",
        "Combining {a} with {c} identified a subgroup of patients with poor prognosis.",
    ),
    "conclusion": (
        "These findings identify {a} as a therapeutic target in {disease}.",
        "The study of {a} could guide the choice of treatment for patients with {disease}.",
        "Our results support trials combining {a} with standard care.",
    ),
}
FR_SENTENCES = {
    "background": (
        "Le rôle de {a} dans {disease} reste mal connu.",
        "Le lien entre {a} et {b} dans {disease} fait l'objet de nombreux travaux.",
    ),
    "methods": (
        "Nous avons analysé {n} échantillons de patients suivis pour {disease} grâce à {c}.",
        "Nous avons étudié {a} et {b} dans une cohorte de {n} patients suivis en Île-de-France.",
    ),
    "results": (
        "Nous observons un lien entre {a} et {b}, associé à une survie plus courte (rapport de risque {hr}).",
        "Les tumeurs présentant {a} montrent davantage de signes de {b}.",
        "Cibler {a} réduit {b} et ralentit la croissance tumorale.",
    ),
    "conclusion": (
        "Ces résultats font de {a} une cible thérapeutique dans {disease}.",
        "L'étude de {a} pourrait guider le choix du traitement dans {disease}.",
    ),
}
METHODS = (
    ("single-cell RNA sequencing", "le séquençage de l'ARN en cellule unique"),
    ("multiplexed immunofluorescence", "l'immunofluorescence multiplexée"),
    ("whole-exome sequencing", "le séquençage de l'exome"),
    ("mass cytometry", "la cytométrie de masse"),
    ("machine learning", "l'apprentissage automatique"),
    ("spatial transcriptomics", "la transcriptomique spatiale"),
    ("CRISPR screens", "des cribles CRISPR"),
    ("longitudinal ctDNA sampling", "des prélèvements sanguins répétés"),
    ("a population-based registry", "un registre de population"),
    ("semi-structured interviews", "des entretiens semi-directifs"),
)
EN_JOURNALS = (
    "Nature Communications", "Cancer Research", "Clinical Cancer Research", "Journal of Clinical Oncology",
    "Annals of Oncology", "Cancer Cell", "Oncogene", "British Journal of Cancer", "European Journal of Cancer",
    "Cell Reports", "Blood", "Leukemia", "International Journal of Cancer", "Radiotherapy and Oncology",
    "Molecular Oncology", "eLife", "Science Advances", "EMBO Journal", "Cancers",
)  # fmt: skip
FR_JOURNALS = (
    "Bulletin du Cancer", "Médecine/Sciences", "Revue d'Épidémiologie et de Santé Publique", "Cancer/Radiothérapie",
    "Oncologie", "La Presse Médicale",
)  # fmt: skip
EXTERNAL_AUTHORS = (
    ("Smith", "John", "Dana-Farber Cancer Institute, Boston, MA, USA"),
    ("García", "Lucía", "Vall d'Hebron Institute of Oncology, Barcelona, Spain"),
    ("Müller", "Katrin", "German Cancer Research Center (DKFZ), Heidelberg, Germany"),
    ("Rossi", "Marco", "Istituto Europeo di Oncologia, Milan, Italy"),
    ("Jansen", "Pieter", "Netherlands Cancer Institute, Amsterdam, The Netherlands"),
    ("Chen", "Wei", "Sun Yat-sen University Cancer Center, Guangzhou, China"),
    ("Tanaka", "Yuki", "National Cancer Center, Tokyo, Japan"),
    ("Okafor", "Chidi", "University of Ibadan, Ibadan, Nigeria"),
    ("Johansson", "Erik", "Karolinska Institutet, Stockholm, Sweden"),
    ("Brown", "Emily", "Francis Crick Institute, London, UK"),
    ("Girard", "Nathalie", "Centre Léon Bérard, Lyon, France"),
    ("Roux", "Pascal", "Institut Paoli-Calmettes, Marseille, France"),
)  # fmt: skip
