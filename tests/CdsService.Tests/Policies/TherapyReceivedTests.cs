using CdsService.PatientRecords;
using Hl7.Fhir.Model;
using static CdsService.Tests.Policies.Concepts;

namespace CdsService.Tests.Policies;

public sealed class TherapyReceivedTests
{
    private static Receipt Of(TestRecord record, string id)
    {
        var built = record.Build();
        return TherapyReceived.Of(built.Medications.Single(m => m.Source.Id == id), built);
    }

    [Theory]
    [InlineData(MedicationStatement.MedicationStatusCodes.Active, "Received")]
    [InlineData(MedicationStatement.MedicationStatusCodes.Completed, "Received")]
    [InlineData(MedicationStatement.MedicationStatusCodes.Stopped, "Received")]
    [InlineData(MedicationStatement.MedicationStatusCodes.Intended, "NotReceived")]
    [InlineData(MedicationStatement.MedicationStatusCodes.NotTaken, "NotReceived")]
    [InlineData(MedicationStatement.MedicationStatusCodes.EnteredInError, "NotReceived")]
    [InlineData(MedicationStatement.MedicationStatusCodes.Unknown, "Uncertain")]
    public void Statements_count_when_they_report_use(MedicationStatement.MedicationStatusCodes status, string expected) =>
        Assert.Equal(expected, (Of(new TestRecord().Took(Imatinib, status), "ms-1")).ToString());

    [Theory]
    [InlineData(MedicationAdministration.MedicationAdministrationStatusCodes.Completed, "Received")]
    [InlineData(MedicationAdministration.MedicationAdministrationStatusCodes.InProgress, "Received")]
    [InlineData(MedicationAdministration.MedicationAdministrationStatusCodes.NotDone, "NotReceived")]
    [InlineData(MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError, "NotReceived")]
    [InlineData(MedicationAdministration.MedicationAdministrationStatusCodes.Unknown, "Uncertain")]
    public void Administrations_count_when_they_happened(MedicationAdministration.MedicationAdministrationStatusCodes status, string expected) =>
        Assert.Equal(expected, (Of(new TestRecord().Administered(Vincristine, status: status, id: "ma-x"), "ma-x")).ToString());

    [Theory]
    [InlineData(MedicationRequest.MedicationrequestStatus.Completed, "Received")]
    [InlineData(MedicationRequest.MedicationrequestStatus.Active, "Uncertain")]
    [InlineData(MedicationRequest.MedicationrequestStatus.Stopped, "Uncertain")]
    [InlineData(MedicationRequest.MedicationrequestStatus.Cancelled, "NotReceived")]
    [InlineData(MedicationRequest.MedicationrequestStatus.Draft, "NotReceived")]
    public void An_order_alone_is_not_proof_of_use(MedicationRequest.MedicationrequestStatus status, string expected) =>
        Assert.Equal(expected, (Of(new TestRecord().Ordered(BesponsaVial, status, id: "mr-x"), "mr-x")).ToString());

    [Fact]
    public void An_active_order_with_an_administration_that_fulfils_it_was_received()
    {
        var record = new TestRecord().Ordered(BesponsaVial, MedicationRequest.MedicationrequestStatus.Active, id: "mr-x")
            .Add(new MedicationAdministration
            {
                Id = "ma-x",
                Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
                Medication = BesponsaVial,
                Subject = TestRecord.Subject,
                Effective = new FhirDateTime("2026-10-01"),
                Request = new ResourceReference("MedicationRequest/mr-x"),
            });

        Assert.Equal(Receipt.Received, Of(record, "mr-x"));
    }

    [Theory]
    [InlineData(MedicationRequest.MedicationRequestIntent.Proposal)]
    [InlineData(MedicationRequest.MedicationRequestIntent.Plan)]
    public void Proposals_and_plans_were_never_given(MedicationRequest.MedicationRequestIntent intent)
    {
        var record = new TestRecord().Add(new MedicationRequest
        {
            Id = "mr-x",
            Status = MedicationRequest.MedicationrequestStatus.Completed,
            Intent = intent,
            Medication = Imatinib,
            Subject = TestRecord.Subject,
        });

        Assert.Equal(Receipt.NotReceived, Of(record, "mr-x"));
    }

    [Fact]
    public void A_do_not_perform_order_forbids_the_drug()
    {
        var record = new TestRecord().Add(new MedicationRequest
        {
            Id = "mr-x",
            Status = MedicationRequest.MedicationrequestStatus.Completed,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            DoNotPerform = true,
            Medication = Imatinib,
            Subject = TestRecord.Subject,
        });

        Assert.Equal(Receipt.NotReceived, Of(record, "mr-x"));
    }
}
