using CdsService.Policies;
using CdsService.Policies.Besponsa;

namespace CdsService.Tests.Policies.Besponsa;

public sealed class AttestationCriteriaTests
{
    [Theory]
    [InlineData("lft-monitoring", true, "met")]
    [InlineData("lft-monitoring", false, "not-met")]
    [InlineData("lft-monitoring", null, "unknown")]
    [InlineData("vod-monitoring", true, "met")]
    [InlineData("vod-monitoring", false, "not-met")]
    [InlineData("vod-monitoring", null, "unknown")]
    [InlineData("no-alkylating-conditioning", true, "met")]
    [InlineData("no-alkylating-conditioning", false, "not-met")]
    [InlineData("no-alkylating-conditioning", null, "unknown")]
    public void Each_agreement_is_the_prescribers_answer(string item, bool? answer, string expected)
    {
        var record = new TestRecord().Adult();
        if (answer is { } value)
        {
            record.Answer(item, value);
        }

        var result = Evaluate(item, record.Evidence());

        Assert.Equal(item, result.Id);
        Assert.Equal(expected, CriterionResult.Literal(result.Status));
        Assert.Equal(EvidenceKind.Attestation, result.Kind);
        Assert.Equal(answer is null ? [] : ["QuestionnaireResponse/qr-1"], result.References);
    }

    [Fact]
    public void A_declined_agreement_is_a_requirement_not_a_hard_stop()
    {
        var result = AttestationCriteria.VodMonitoring(new TestRecord().Adult().Answer("vod-monitoring", false).Evidence());

        Assert.Equal(Consequence.Requirement, result.WhenNotMet);
    }

    private static CriterionResult Evaluate(string item, Evidence evidence) => item switch
    {
        AttestationCriteria.LftId => AttestationCriteria.LftMonitoring(evidence),
        AttestationCriteria.VodId => AttestationCriteria.VodMonitoring(evidence),
        _ => AttestationCriteria.NoAlkylatingConditioning(evidence),
    };
}
