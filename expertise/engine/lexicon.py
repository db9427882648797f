"""Word lists for English and French scientific text (data only, no logic).

Why hand-written lists: they are small, auditable and ship with the code
(no NLTK data download).  Entries are lowercase and accent-free because the
analyser strips accents before looking words up.

* ``STOPWORDS``: function words of both languages plus academic boilerplate
  that says nothing about a field ("study", "results", "étude"...).
* ``FR_EN``: French oncology/biomedical vocabulary mapped to English, so that
  a French abstract and an English profile meet in the same terms (the
  regional network writes in both languages).  Keys are French words, values
  English words; both get stemmed by the analyser.
* ``EN_SPELLING``: British -> American spelling prefixes (tumour/tumor...).
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    """Whitespace-separated words of a block (keeps the lists readable)."""
    return frozenset(block.split())


def _pairs(block: str) -> dict[str, str]:
    """``source=target`` pairs separated by whitespace; ``#`` starts a comment line."""
    pairs: dict[str, str] = {}
    for line in block.splitlines():
        if line.strip().startswith("#"):
            continue
        for item in line.split():
            source, _, target = item.partition("=")
            pairs[source] = target
    return pairs


EN_STOPWORDS = _words(
    """
    a about above after again against all almost also although always am among an and any are
    aren around as at be because been before being below between both but by can cannot could
    did do does doing done down during each either else etc even ever every few for from further
    had has have having he her here hers herself him himself his how however i if in into is it
    its itself just least less let like made mainly make many may me might more most mostly much
    must my myself neither no nor not now of off often on once one only or other others otherwise
    our ours ourselves out over own per perhaps rather same several shall she should show showed
    shown shows since so some such than that the their theirs them themselves then there thereby
    therefore these they this those though through thus to too toward towards under until up upon
    us use used uses using very via was we were what whatever when where whereas whether which
    while who whom whose why will with within without would yet you your yours yourself
    et al ie eg vs
    study studies result results conclusion conclusions background method methods objective
    objectives aim aims purpose introduction discussion paper article report reported present
    presented propose proposed approach approaches new novel based two three four five
    respectively significant significantly found find findings observed including include
    included well increase increased decrease decreased associated
    compared total overall evaluate evaluated
    investigate investigated performed determine determined different important
    """
)

FR_STOPWORDS = _words(
    """
    a afin ai aie aient aies ait alors as au aucun aucune aupres auquel aura aurai auraient aurais
    aurait auras aurez auriez aurions aurons auront aussi autre autres aux auxquelles auxquels avaient
    avais avait avant avec avez aviez avions avoir avons ayant ayez ayons c ce ceci cela celle celles
    celui cependant certain certaine certaines certains ces cet cette ceux chacun chaque chez ci comme
    comment d dans de des desquelles desquels dont du duquel durant elle elles en encore entre es est
    et etaient etais etait etant ete etes etiez etions etre eu eue eues eurent eus eusse eussent
    eusses eussiez eussions eut eux fait faites furent fus fusse fussent fut grace hors ici il ils j
    je jusqu l la laquelle le lequel les lesquelles lesquels leur leurs lors lorsque lui m ma mais me
    meme memes mes moi moins mon n ne ni nos notre nous on ont ou par parce parmi pas pendant peu peut
    peuvent plus plusieurs pour pourquoi qu quand que quel quelle quelles quels qui quoi s sa sans se
    selon sera serai seraient serais serait seras serez seriez serions serons seront ses si sien
    sienne siennes siens soi soient sois soit sommes son sont sous soyez soyons suis sur t ta tandis
    te tel telle telles tels tes toi ton tous tout toute toutes tres tu un une unes uns vers via
    voici voila vos votre vous y
    etude etudes resultat resultats conclusion conclusions objectif objectifs methode methodes
    introduction discussion article travail travaux presente presentee presentes nouvelle nouveau
    nouveaux nouvelles premier premiere deux trois quatre cinq respectivement significatif
    significative significativement observe observes observee associe associes associee associees
    compare comparee total totale evaluer evalue evaluee evaluation ainsi egalement
    notamment permet permettant permis partir cours cadre
    """
)
# "sein" means "breast" except in the idiom "au sein de" ("within"), which the
# analyser drops (see text.Analyzer).

STOPWORDS = EN_STOPWORDS | FR_STOPWORDS

# Words whose presence marks a text as French (for choosing the stemmer).
FR_MARKERS = _words(
    """
    le la les des du une et est dans pour sur par avec au aux ces cette qui que ont sont chez
    nous etude resultats patients patientes entre plus selon lors ete etait leur leurs
    """
)
EN_MARKERS = _words(
    """
    the of and in for with on by is are was were to from this that these we our which as at be
    an or has have been between study results
    """
)

FR_EN: dict[str, str] = _pairs(
    """
    # organs and anatomy
    sein=breast seins=breast mammaire=breast mammaires=breast poumon=lung pulmonaire=lung
    bronchique=bronchial foie=liver hepatique=liver rein=kidney renal=renal renale=renal
    vessie=bladder prostate=prostate prostatique=prostate colon=colon colique=colon rectum=rectum
    rectal=rectal colorectal=colorectal colorectaux=colorectal colorectale=colorectal
    estomac=stomach gastrique=gastric oesophage=esophagus oesophagien=esophageal pancreas=pancreas
    pancreatique=pancreatic ovaire=ovary ovarien=ovarian uterus=uterus uterin=uterine col=cervix
    cervical=cervical endometre=endometrium peau=skin cutane=skin cerveau=brain cerebral=brain
    cerebrale=brain cerebrales=brain os=bone osseux=bone osseuse=bone moelle=marrow sang=blood
    sanguin=blood ganglion=lymph ganglionnaire=lymph lymphatique=lymph thyroide=thyroid tete=head
    cou=neck coeur=heart cardiaque=cardiac vaisseau=vessel vasculaire=vascular cellule=cell
    cellulaire=cell tissu=tissue tissulaire=tissue gene=gene genes=gene genetique=genetic
    genomique=genomic proteine=protein acide=acid sanguine=blood souche=stem
    # diseases and states
    cancer=cancer cancers=cancer cancereux=cancer cancereuse=cancer tumeur=tumor tumeurs=tumor
    tumoral=tumor tumorale=tumor carcinome=carcinoma adenocarcinome=adenocarcinoma sarcome=sarcoma
    lymphome=lymphoma leucemie=leukemia myelome=myeloma melanome=melanoma gliome=glioma
    glioblastome=glioblastoma metastase=metastasis metastases=metastasis metastatique=metastatic
    rechute=relapse recidive=recurrence progression=progression maladie=disease malade=patient
    malades=patient patient=patient patiente=patient patientes=patient infection=infection
    inflammation=inflammation douleur=pain fatigue=fatigue toxicite=toxicity effet=effect
    effets=effect indesirable=adverse indesirables=adverse secondaire=secondary
    secondaires=secondary benin=benign benigne=benign malin=malignant maligne=malignant
    precoce=early avance=advanced avancee=advanced localement=locally hereditaire=hereditary
    familial=familial mutation=mutation insuffisance=failure fibrillation=fibrillation
    infarctus=infarction hypertension=hypertension diabete=diabetes obesite=obesity accident=stroke
    avc=stroke demence=dementia
    # treatments and procedures
    traitement=treatment traitements=treatment therapie=therapy therapeutique=therapeutic
    chimiotherapie=chemotherapy radiotherapie=radiotherapy radiotherapeutique=radiotherapy
    immunotherapie=immunotherapy hormonotherapie=hormone chirurgie=surgery chirurgical=surgical
    chirurgicale=surgical exerese=resection resection=resection greffe=transplantation
    allogreffe=allogeneic neoadjuvant=neoadjuvant neoadjuvante=neoadjuvant adjuvant=adjuvant
    adjuvante=adjuvant stereotaxique=stereotactic curietherapie=brachytherapy
    irradiation=irradiation dose=dose inhibiteur=inhibitor inhibiteurs=inhibitor anticorps=antibody
    vaccin=vaccine vaccination=vaccination medicament=drug molecule=molecule cible=target
    ciblee=targeted cibles=target soins=care soin=care palliatif=palliative palliatifs=palliative
    palliative=palliative support=supportive
    # diagnosis and imaging
    depistage=screening diagnostic=diagnosis pronostic=prognosis pronostique=prognostic
    imagerie=imaging mammographie=mammography echographie=ultrasound scanner=tomography
    tomodensitometrie=tomography irm=mri tep=pet biopsie=biopsy marqueur=marker
    biomarqueur=biomarker biomarqueurs=biomarker histologique=histological
    anatomopathologique=pathological anatomopathologie=pathology sequencage=sequencing
    expression=expression apprentissage=learning profond=deep automatique=machine
    intelligence=intelligence artificielle=artificial reseau=network neurones=neural image=image
    images=image segmentation=segmentation modele=model modeles=model algorithme=algorithm
    # outcomes and study design
    survie=survival mortalite=mortality morbidite=morbidity incidence=incidence
    prevalence=prevalence risque=risk risques=risk facteur=factor facteurs=factor reponse=response
    complete=complete essai=trial essais=trial randomise=randomized randomisee=randomized
    cohorte=cohort prospective=prospective retrospective=retrospective registre=registry
    population=population qualite=quality vie=life sante=health publique=public soignant=caregiver
    infirmier=nurse infirmiere=nurse medecin=physician medecine=medicine hopital=hospital
    hospitalisation=hospitalization enfant=child enfants=child pediatrique=pediatric
    adolescent=adolescent personne=person agee=elderly agees=elderly femme=woman femmes=woman
    homme=man hommes=man age=age sexe=sex tabac=tobacco tabagisme=smoking alcool=alcohol
    alimentation=diet nutrition=nutrition activite=activity physique=physical exposition=exposure
    environnement=environment environnemental=environmental pesticide=pesticide pesticides=pesticide
    inegalite=inequality inegalites=inequality social=social sociale=social sociaux=social
    economique=economic cout=cost couts=cost participation=participation organise=organized
    suivi=follow surveillance=surveillance prise=management charge=management parcours=pathway
    triple=triple negatif=negative negative=negative negatifs=negative positif=positive
    positive=positive recepteur=receptor recepteurs=receptor hormonal=hormone hormonaux=hormone
    hormonale=hormone immunitaire=immune immunologique=immune microenvironnement=microenvironment
    resistance=resistance sensibilite=sensitivity specificite=specificity precision=precision
    donnees=data echantillon=sample echantillons=sample
    """
)

EN_SPELLING: dict[str, str] = _pairs(
    """
    tumour=tumor oesophag=esophag oestr=estr haem=hem leukaem=leukem anaem=anem paediatr=pediatr
    ischaem=ischem foet=fet randomis=randomiz characteris=characteriz optimis=optimiz
    organis=organiz hospitalis=hospitaliz immunis=immuniz normalis=normaliz generalis=generaliz
    localis=localiz visualis=visualiz utilis=utiliz minimis=minimiz behaviour=behavior colour=color
    centre=center programme=program
    """
)
