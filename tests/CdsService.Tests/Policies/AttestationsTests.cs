using CdsService.PatientRecords;
using CdsService.Policies;
using Hl7.Fhir.Model;

namespace CdsService.Tests.Policies;

public sealed class AttestationsTests
{
    private const string Canonical = TestRecord.QuestionnaireCanonical;

    [Theory]
    [InlineData(Canonical, true)]
    [InlineData(Canonical + "|2025-04-01", true)]
    [InlineData(Canonical + "|2099-01-01", true)]
    [InlineData(Canonical + "-v2", false)]
    [InlineData("http://payer.example.org/fhir/Questionnaire/blincyto-prior-approval", false)]
    public void Any_version_of_the_policy_questionnaire_is_read(string questionnaire, bool read)
    {
        var attestations = From(Response("qr-1", questionnaire, "2026-11-27", true));

        Assert.Equal(read ? true : null, attestations.Boolean("cd22-positive"));
    }

    [Theory]
    [InlineData(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, true)]
    [InlineData(QuestionnaireResponse.QuestionnaireResponseStatus.Amended, true)]
    [InlineData(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, false)]
    [InlineData(QuestionnaireResponse.QuestionnaireResponseStatus.EnteredInError, false)]
    [InlineData(QuestionnaireResponse.QuestionnaireResponseStatus.Stopped, false)]
    public void Only_completed_or_amended_responses_count(QuestionnaireResponse.QuestionnaireResponseStatus status, bool read)
    {
        var response = Response("qr-1", Canonical, "2026-11-27", true);
        response.Status = status;

        Assert.Equal(read ? "QuestionnaireResponse/qr-1" : null, From(response).Reference);
    }

    [Fact]
    public void The_most_recent_response_wins()
    {
        var attestations = From(
            Response("qr-old", Canonical, "2026-10-01", false),
            Response("qr-new", Canonical, "2026-11-27T15:00:00Z", true),
            Response("qr-older", Canonical, "2026-09-01", false));

        Assert.Equal("QuestionnaireResponse/qr-new", attestations.Reference);
        Assert.True(attestations.Boolean("cd22-positive"));
    }

    [Fact]
    public void Another_patients_response_is_never_read()
    {
        var foreign = Response("qr-other", Canonical, "2026-11-28", false);
        foreign.Subject = new ResourceReference("Patient/someone-else");

        var attestations = From(foreign, Response("qr-1", Canonical, "2026-11-01", true));

        Assert.Equal("QuestionnaireResponse/qr-1", attestations.Reference);
    }

    [Fact]
    public void Answers_are_found_in_groups_and_under_other_answers()
    {
        var response = Response("qr-1", Canonical, "2026-11-27", true);
        response.Item =
        [
            new QuestionnaireResponse.ItemComponent
            {
                LinkId = "diagnosis",
                Item =
                [
                    new QuestionnaireResponse.ItemComponent
                    {
                        LinkId = "ph-positive",
                        Answer =
                        [
                            new QuestionnaireResponse.AnswerComponent
                            {
                                Value = new FhirBoolean(true),
                                Item = [Item("tki-failed", false)],
                            },
                        ],
                    },
                ],
            },
        ];

        var attestations = From(response);

        Assert.True(attestations.Boolean("ph-positive"));
        Assert.False(attestations.Boolean("tki-failed"));
        Assert.Null(attestations.Boolean("chemotherapy-failed"));
    }

    [Fact]
    public void Without_a_response_nothing_is_attested()
    {
        var attestations = From();

        Assert.Null(attestations.Reference);
        Assert.Null(attestations.Boolean("cd22-positive"));
    }

    private static Attestations From(params QuestionnaireResponse[] responses) =>
        Attestations.From(PatientRecordBuilder.Build(TestRecord.PatientId, responses, []), Canonical);

    private static QuestionnaireResponse Response(string id, string questionnaire, string authored, bool cd22) => new()
    {
        Id = id,
        Questionnaire = questionnaire,
        Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
        Subject = TestRecord.Subject,
        Authored = authored,
        Item = [Item("cd22-positive", cd22)],
    };

    private static QuestionnaireResponse.ItemComponent Item(string linkId, bool value) => new()
    {
        LinkId = linkId,
        Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirBoolean(value) }],
    };
}
