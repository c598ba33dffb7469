using CdsService.PatientRecords;
using CdsService.Policies;
using CdsService.Policies.Besponsa;
using Hl7.Fhir.Model;
using Evidence = CdsService.Policies.Besponsa.Evidence;

namespace CdsService.Tests.Policies;

/// <summary>
/// A patient record built from Firely POCOs, one clinical fact per call, so that each policy test states only
/// the facts it is about. The record goes through <see cref="PatientRecordBuilder"/> like a real prefetch.
/// </summary>
internal sealed class TestRecord
{
    public const string PatientId = "p1";
    public const string QuestionnaireCanonical = "http://payer.example.org/fhir/Questionnaire/besponsa-prior-approval";
    public const string HistologyExtension = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior";

    /// <summary>The order date every test evaluates against (the fhir-examples date).</summary>
    public static readonly DateOnly OrderDate = new(2026, 11, 28);

    private readonly List<Resource> _resources = [];
    private readonly HashSet<string> _unavailable = [];
    private readonly List<QuestionnaireResponse.ItemComponent> _answers = [];
    private int _sequence;

    public static ResourceReference Subject => new($"Patient/{PatientId}");

    public TestRecord BornOn(string? birthDate) => Add(new Patient { Id = PatientId, BirthDate = birthDate });

    public TestRecord Adult() => BornOn("1980-05-14");

    public TestRecord Child() => BornOn("2017-06-21");

    public TestRecord Condition(
        CodeableConcept code,
        string clinicalStatus = "active",
        string verificationStatus = "confirmed",
        CodeableConcept? morphology = null,
        string? onset = null)
    {
        var condition = new Condition
        {
            Id = NextId("cond"),
            ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", clinicalStatus),
            VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", verificationStatus),
            Code = code,
            Subject = Subject,
            Onset = onset is null ? null : new FhirDateTime(onset),
        };
        if (morphology is not null)
        {
            condition.Extension.Add(new Extension(HistologyExtension, morphology));
        }

        return Add(condition);
    }

    public TestRecord Result(
        CodeableConcept code,
        DataType? value,
        string effective = "2026-11-20",
        CodeableConcept? interpretation = null,
        ObservationStatus status = ObservationStatus.Final,
        IEnumerable<Observation.ComponentComponent>? components = null) => Add(new Observation
        {
            Id = NextId("obs"),
            Status = status,
            Code = code,
            Subject = Subject,
            Effective = new FhirDateTime(effective),
            Value = value,
            Interpretation = interpretation is null ? [] : [interpretation],
            Component = components is null ? [] : [.. components],
        });

    public TestRecord Took(
        CodeableConcept medication,
        MedicationStatement.MedicationStatusCodes status = MedicationStatement.MedicationStatusCodes.Completed,
        CodeableConcept? statusReason = null,
        string start = "2025-01-15") => Add(new MedicationStatement
        {
            Id = NextId("ms"),
            Status = status,
            StatusReason = statusReason is null ? [] : [statusReason],
            Medication = medication,
            Subject = Subject,
            Effective = new Period { Start = start },
        });

    public TestRecord Administered(
        CodeableConcept medication,
        string when = "2026-10-01",
        MedicationAdministration.MedicationAdministrationStatusCodes status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
        string? id = null) => Add(new MedicationAdministration
        {
            Id = id ?? NextId("ma"),
            Status = status,
            Medication = medication,
            Subject = Subject,
            Effective = new FhirDateTime(when),
        });

    public TestRecord Ordered(
        CodeableConcept medication,
        MedicationRequest.MedicationrequestStatus status = MedicationRequest.MedicationrequestStatus.Completed,
        string authored = "2025-01-15",
        string? id = null) => Add(new MedicationRequest
        {
            Id = id ?? NextId("mr"),
            Status = status,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = medication,
            Subject = Subject,
            AuthoredOn = authored,
        });

    /// <summary>A Besponsa course that actually started: one completed administration (the first dose).</summary>
    public TestRecord OnBesponsa(string firstDose = "2026-09-01") => Administered(Concepts.BesponsaVial, firstDose);

    /// <summary>One answer of the prescriber's questionnaire (all answers go into one completed response).</summary>
    public TestRecord Answer(string linkId, bool value)
    {
        _answers.Add(new QuestionnaireResponse.ItemComponent
        {
            LinkId = linkId,
            Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirBoolean(value) }],
        });
        return this;
    }

    public TestRecord Coverage(string id, FinancialResourceStatusCodes status = FinancialResourceStatusCodes.Active, int? order = null) =>
        Add(new Coverage { Id = id, Status = status, Beneficiary = Subject, Order = order, Payor = [new ResourceReference { Display = "Payer" }] });

    /// <summary>Marks a record section as unreadable, as when the EHR could not be queried for it.</summary>
    public TestRecord Unavailable(string section)
    {
        _unavailable.Add(section);
        return this;
    }

    public TestRecord Add(Resource resource)
    {
        _resources.Add(resource);
        return this;
    }

    public PatientRecord Build()
    {
        List<Resource> resources = [.. _resources];
        if (_answers.Count > 0)
        {
            resources.Add(new QuestionnaireResponse
            {
                Id = "qr-1",
                Questionnaire = QuestionnaireCanonical + "|2025-04-01",
                Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
                Subject = Subject,
                Authored = "2026-11-27",
                Item = [.. _answers],
            });
        }

        return PatientRecordBuilder.Build(PatientId, resources, _unavailable);
    }

    public Evidence Evidence()
    {
        var record = Build();
        return new Evidence(record, Attestations.From(record, QuestionnaireCanonical), OrderDate);
    }

    private string NextId(string prefix) => $"{prefix}-{++_sequence}";
}
