using Hl7.Fhir.Model;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// The DTR questionnaire for the Besponsa prior-approval attestations. Its item linkIds are the criterion ids
/// they satisfy, so a completed response maps one-to-one onto the policy.
/// </summary>
internal static class BesponsaQuestionnaire
{
    public const string Id = "besponsa-prior-approval";
    public const string Version = "2025-04-01";

    public static class Items
    {
        public const string BPrecursor = "b-precursor-lineage";
        public const string Cd22Positive = "cd22-positive";
        public const string PhPositive = "ph-positive";
        public const string TkiFailed = "tki-failed";
        public const string ChemotherapyFailed = "chemotherapy-failed";
        public const string LftMonitoring = "lft-monitoring";
        public const string VodMonitoring = "vod-monitoring";
        public const string NoAlkylatingConditioning = "no-alkylating-conditioning";
        public const string DiseaseProgression = "disease-progression";
        public const string UnacceptableToxicity = "unacceptable-toxicity";
    }

    public static Questionnaire Create(string canonical) => new()
    {
        Id = Id,
        Url = canonical,
        Version = Version,
        Name = "BesponsaPriorApproval",
        Title = "Besponsa (inotuzumab ozogamicin) prior approval",
        Status = PublicationStatus.Active,
        SubjectType = [ResourceType.Patient],
        Date = Version,
        Description = new Markdown("Documentation and prescriber attestations required by the payer's Besponsa prior-approval policy (effective 2025-04-01)."),
        Item =
        [
            Group("diagnosis", "Diagnosis",
                Boolean(Items.BPrecursor, "The leukemia is B-cell precursor acute lymphoblastic leukemia (ALL)."),
                Boolean(Items.Cd22Positive, "Leukemic blasts are CD22-positive (5% or more of blasts, by flow cytometry or immunohistochemistry)."),
                Boolean(Items.PhPositive, "The leukemia is Philadelphia chromosome-positive (BCR-ABL1 detected)."),
                EnabledWhenPhPositive(Boolean(Items.TkiFailed, "Patients 18 or older: treatment with at least one tyrosine kinase inhibitor has failed.")),
                EnabledWhenPhPositive(Boolean(Items.ChemotherapyFailed, "Patients 18 or older: standard chemotherapy has failed."))),
            Group("attestations", "Prescriber attestations",
                Boolean(Items.LftMonitoring, "I will obtain ALT, AST, total bilirubin and alkaline phosphatase before and after each dose of Besponsa."),
                Boolean(Items.VodMonitoring, "I will monitor for signs and symptoms of hepatic veno-occlusive disease during treatment with Besponsa."),
                Boolean(Items.NoAlkylatingConditioning, "I will not add HSCT conditioning regimens containing alkylating agents.")),
            Group("renewal", "Renewal (patient has already received Besponsa)",
                Boolean(Items.DiseaseProgression, "The disease has progressed on Besponsa."),
                Boolean(Items.UnacceptableToxicity, "The patient has had unacceptable toxicity from Besponsa (including hepatic veno-occlusive disease).")),
        ],
    };

    private static Questionnaire.ItemComponent Group(string linkId, string text, params Questionnaire.ItemComponent[] items) => new()
    {
        LinkId = linkId,
        Text = text,
        Type = Questionnaire.QuestionnaireItemType.Group,
        Item = [.. items],
    };

    private static Questionnaire.ItemComponent Boolean(string linkId, string text) => new()
    {
        LinkId = linkId,
        Text = text,
        Type = Questionnaire.QuestionnaireItemType.Boolean,
    };

    private static Questionnaire.ItemComponent EnabledWhenPhPositive(Questionnaire.ItemComponent item)
    {
        item.EnableWhen.Add(new Questionnaire.EnableWhenComponent
        {
            Question = Items.PhPositive,
            Operator = Questionnaire.QuestionnaireItemOperator.Equal,
            Answer = new FhirBoolean(true),
        });
        return item;
    }
}
