using CdsService.Policies.Terminology;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// Every code the Besponsa policy reads. Only codes confirmed against a public source are used; the source of
/// each group is cited (see ../shared/docs/terminology.md for the full evidence). Codes that could not be
/// confirmed are deliberately absent: a missing code yields "unknown, please document", a wrong one a wrong answer.
/// </summary>
internal static class BesponsaValueSets
{
    /// <summary>
    /// Besponsa itself. RxNorm 1942950–1942959 (ingredient through branded drug): CIBMTR Reporting IG
    /// `med-form2400-prior-exposure-valueset.fsh`, and DailyMed rxcui search for 1942954. NDC 0008-0100-01 is the
    /// 0.9 mg vial (DailyMed setid cc7014b1-c775-411d-b374-8113248b4077). HCPCS J9229 "Injection, inotuzumab
    /// ozogamicin, 0.1 mg" (CMS HCPCS; payer policy 5.21.100).
    /// </summary>
    public static readonly CodeSet Besponsa = new CodeSet("Besponsa")
        .Add(CodeSystems.RxNorm, "1942950", "1942951", "1942952", "1942953", "1942954", "1942955", "1942956", "1942957", "1942958", "1942959")
        .Add(CodeSystems.Hcpcs[0], "J9229")
        .Add(CodeSystems.Hcpcs[1], "J9229");

    /// <summary>NDC 0008-0100-01 (4-4-2), matched in any of its published formats by <see cref="Ndc"/>.</summary>
    public const string BesponsaNdc = "0008-0100-01";

    /// <summary>
    /// Acute lymphoblastic leukaemia of any lineage: ICD-10-CM C91.0- (VistA code tables) and SNOMED 91857003
    /// (C91.0 ↔ 91857003 mappings; UMLS C0023449).
    /// </summary>
    public static readonly CodeSet AcuteLymphoblasticLeukemia = new CodeSet("ALL")
        .AddPrefix(CodeSystems.Icd10Cm, "C910")
        .Add(CodeSystems.Snomed, "91857003", "277571004");

    /// <summary>
    /// Malignant neoplasms of lymphoid, hematopoietic and related tissue: ICD-10-CM Tabular List, chapter 2, block
    /// C81–C96. A diagnosis here that is not ALL (C91.0-) is a different blood cancer, outside Besponsa's indication.
    /// </summary>
    public static readonly CodeSet HematologicMalignancy = Enumerable.Range(81, 16)
        .Aggregate(new CodeSet("hematologic malignancy"), (set, n) => set.AddPrefix(CodeSystems.Icd10Cm, $"C{n}"));

    /// <summary>B-cell (precursor) ALL: SNOMED 277571004 (HL7 mCODE IG, pediatric B-ALL example).</summary>
    public static readonly CodeSet BCellAll = new CodeSet("B-cell ALL")
        .Add(CodeSystems.Snomed, "277571004");

    /// <summary>ICD-10-CM C91.00 "not having achieved remission" (includes failed induction, i.e. refractory).</summary>
    public static readonly CodeSet AllNotInRemission = new CodeSet("ALL not in remission").Add(CodeSystems.Icd10Cm, "C91.00");

    /// <summary>ICD-10-CM C91.01 "in remission".</summary>
    public static readonly CodeSet AllInRemission = new CodeSet("ALL in remission").Add(CodeSystems.Icd10Cm, "C91.01");

    /// <summary>ICD-10-CM C91.02 "in relapse" (VistA; MediGold PA logs).</summary>
    public static readonly CodeSet AllInRelapse = new CodeSet("ALL in relapse").Add(CodeSystems.Icd10Cm, "C91.02");

    /// <summary>condition-clinical codes that mean the disease came back (HL7 THO; EU PCSP IG).</summary>
    public static readonly CodeSet RelapseClinicalStatus = new CodeSet("relapse status")
        .Add(CodeSystems.ConditionClinical, "relapse", "recurrence");

    /// <summary>
    /// Qualitative BCR-ABL1 (Philadelphia chromosome) tests, read by their coded result: LOINC 21821-4 (fusion
    /// transcript [Presence]), 21822-2 (p210), 21823-0 (p190), 42714-6 (b2a2+b3a2) — Taiwan NHI PAS IG value set
    /// `gene-test-code` (TWNHIFHIR/pas `input/fsh/terminology/LOINC-GeneTestCode.fsh` @ 269b2105). Note the
    /// CDS Hooks Sandbox fixture's "21822-4" fails the LOINC check digit and is deliberately not accepted.
    /// </summary>
    public static readonly CodeSet BcrAbl1Qualitative = new CodeSet("BCR-ABL1 presence tests")
        .Add(CodeSystems.Loinc, "21821-4", "21822-2", "21823-0", "42714-6");

    /// <summary>
    /// Quantitative BCR-ABL1 tests: LOINC 52132-8 (p190 ratio), 55147-3 (p210 ratio), 46434-7, 50195-7, 82905-1
    /// (healthassure / loinc.org), 21795-0 (cells/total; TW IG). A value above zero shows the fusion.
    /// </summary>
    public static readonly CodeSet BcrAbl1Quantitative = new CodeSet("BCR-ABL1 quantitative tests")
        .Add(CodeSystems.Loinc, "52132-8", "55147-3", "46434-7", "50195-7", "82905-1", "21795-0");

    /// <summary>mCODE GenomicVariant assessment, LOINC 69548-6 (mCODE STU3 `genomic-variant-fusion`).</summary>
    public static readonly CodeSet GenomicVariant = new CodeSet("genomic variant").Add(CodeSystems.Loinc, "69548-6");

    /// <summary>
    /// Positive / present results: SNOMED 10828004 Positive, 52101004 Present (MII Labor value set; mCODE
    /// PresentAbsentVS); LOINC LA6576-8 Positive (NMDP MatchSync `loinc-posneg-codes`), LA9633-4 Present (mCODE);
    /// v3 ObservationInterpretation POS (HL7 THO).
    /// </summary>
    public static readonly CodeSet PositiveResults = new CodeSet("positive")
        .Add(CodeSystems.Snomed, "10828004", "52101004")
        .Add(CodeSystems.Loinc, "LA6576-8", "LA9633-4")
        .Add(CodeSystems.Interpretation, "POS");

    /// <summary>
    /// Negative / absent results: SNOMED 260385009 Negative, 2667000 Absent; LOINC LA6577-6 Negative, LA9634-2
    /// Absent (same sources); v3 ObservationInterpretation NEG.
    /// </summary>
    public static readonly CodeSet NegativeResults = new CodeSet("negative")
        .Add(CodeSystems.Snomed, "260385009", "2667000")
        .Add(CodeSystems.Loinc, "LA6577-6", "LA9634-2")
        .Add(CodeSystems.Interpretation, "NEG");

    /// <summary>
    /// B-lineage lymphoblastic morphology, ICD-O-3 9811/3 (B-LBL NOS) and 9812/3 (with t(9;22) BCR-ABL1), SEER
    /// hematopoietic database; system URI from HL7 THO `icd-o-3`. 9812/3 also shows Philadelphia positivity.
    /// </summary>
    public static readonly CodeSet BLineageMorphology = new CodeSet("B-lineage morphology")
        .Add(CodeSystems.IcdO3, "9811/3", "9812/3");

    public static readonly CodeSet PhPositiveMorphology = new CodeSet("Ph+ morphology").Add(CodeSystems.IcdO3, "9812/3");

    /// <summary>mCODE GenomicVariant: gene studied (48018-6) and the HGNC ids of BCR (1014) and ABL1 (76).</summary>
    public static readonly CodeSet GeneStudied = new CodeSet("gene studied").Add(CodeSystems.Loinc, "48018-6");

    public static readonly CodeSet BcrAbl1Genes = new CodeSet("BCR/ABL1 genes").Add(CodeSystems.Hgnc, "HGNC:1014", "HGNC:76");

    /// <summary>
    /// BCR-ABL1 tyrosine kinase inhibitors: ATC L01EA (WHO ATC, KIP IG fragment); RxNorm ingredients imatinib
    /// 282388, dasatinib 475342, bosutinib 1307619 and their products (CIBMTR `med-form2400-post-hct-disease-
    /// therapy-valueset.fsh`; openFDA NDC 0078-0401, 46708-685).
    /// </summary>
    public static readonly CodeSet TyrosineKinaseInhibitors = new CodeSet("BCR-ABL TKIs")
        .AddPrefix(CodeSystems.Atc, "L01EA")
        .Add(CodeSystems.RxNorm,
            "282388", "282386", "403878", "403879", "404588", "404589", "1160679",
            "475342", "643170", "1546019", "643105", "643107", "643109", "799047", "1045402", "1045406", "1157186",
            "1307619", "1307625", "1314319", "1307624", "1307633", "1987732",
            "662281");

    /// <summary>
    /// Multi-agent ALL chemotherapy ingredients (RxNorm): vincristine 11202, cyclophosphamide 3002, doxorubicin
    /// 3639, idarubicin 5650, prednisone 8640 (mCODE pediatric B-ALL example); methotrexate 6851, cytarabine 3041,
    /// etoposide 4179, clofarabine 44151, fludarabine 24698, methylprednisolone 6902 (CIBMTR value sets).
    /// ATC: vincristine L01CA02, etoposide L01CB01, doxorubicin L01DB01, fludarabine L01BB05, pegaspargase
    /// L01XX24 (KIP / German MII ATC lists). Mercaptopurine 103 (CPIC drug.sql @ 05f9b09c).
    /// </summary>
    public static readonly CodeSet AllChemotherapy = new CodeSet("ALL chemotherapy")
        .Add(CodeSystems.RxNorm, "11202", "3002", "3639", "5650", "8640", "6851", "3041", "4179", "44151", "24698", "6902", "103")
        .Add(CodeSystems.Atc, "L01CA02", "L01CB01", "L01DB01", "L01BB05", "L01XX24");

    /// <summary>
    /// Alkylating agents (HSCT conditioning): ATC L01A (KIP); RxNorm busulfan 1828, treosulfan 38508,
    /// cyclophosphamide 3002, melphalan 6718, ifosfamide 5657, bendamustine 134547, thiotepa 10473,
    /// carmustine 2105, lomustine 6466 (CIBMTR prep-regimen and per-drug value sets).
    /// </summary>
    public static readonly CodeSet AlkylatingAgents = new CodeSet("alkylating agents")
        .AddPrefix(CodeSystems.Atc, "L01A")
        .Add(CodeSystems.RxNorm, "1828", "38508", "3002", "6718", "5657", "134547", "10473", "2105", "6466");

    /// <summary>Hepatic veno-occlusive disease: ICD-10-CM K76.5 (diseasedb), SNOMED 65617004 (HL7 EU PCSP IG).</summary>
    public static readonly CodeSet HepaticVod = new CodeSet("hepatic VOD")
        .Add(CodeSystems.Icd10Cm, "K76.5")
        .Add(CodeSystems.Snomed, "65617004");

    /// <summary>mCODE CancerDiseaseStatus: LOINC 97509-4 with ConditionStatusTrendVS values.</summary>
    public static readonly CodeSet DiseaseStatus = new CodeSet("disease status").Add(CodeSystems.Loinc, "97509-4");

    /// <summary>SNOMED 271299001 "Patient's condition worsened" (progression), mCODE ConditionStatusTrendVS.</summary>
    public static readonly CodeSet Progression = new CodeSet("progression").Add(CodeSystems.Snomed, "271299001");

    /// <summary>
    /// Statuses that show no progression: improved 268910001, stable 359746009, not detected 260415000,
    /// full remission 550991000124107, partial remission 551001000124108 (mCODE ConditionStatusTrendVS).
    /// </summary>
    public static readonly CodeSet NoProgression = new CodeSet("no progression")
        .Add(CodeSystems.Snomed, "268910001", "359746009", "260415000", "550991000124107", "551001000124108");

    /// <summary>mCODE TreatmentTerminationReasonVS: 281647001 "Adverse reaction" (unacceptable toxicity).</summary>
    public static readonly CodeSet StoppedForToxicity = new CodeSet("adverse reaction").Add(CodeSystems.Snomed, "281647001");

    /// <summary>
    /// Baseline liver tests. ALT 1742-6, 1743-4, 1744-2; AST 1920-8, 30239-8, 88112-8 (VSAC 2.16.840.1.113762.1.4.1248.224);
    /// total bilirubin 1975-2 and the VSAC "Bilirubin lab test" members (2.16.840.1.113762.1.4.1248.223);
    /// alkaline phosphatase 6768-6. Panel 24325-3 counts for all four.
    /// </summary>
    public static readonly CodeSet Alt = new CodeSet("ALT").Add(CodeSystems.Loinc, "1742-6", "1743-4", "1744-2");

    public static readonly CodeSet Ast = new CodeSet("AST").Add(CodeSystems.Loinc, "1920-8", "30239-8", "88112-8");

    public static readonly CodeSet TotalBilirubin = new CodeSet("total bilirubin")
        .Add(CodeSystems.Loinc, "1975-2", "14631-6", "42719-5", "54363-7", "59827-6", "59828-4", "77137-8", "89871-8", "89872-6", "97770-2");

    public static readonly CodeSet AlkalinePhosphatase = new CodeSet("alkaline phosphatase").Add(CodeSystems.Loinc, "6768-6");

    public static readonly CodeSet HepaticPanel = new CodeSet("hepatic function panel").Add(CodeSystems.Loinc, "24325-3");
}
