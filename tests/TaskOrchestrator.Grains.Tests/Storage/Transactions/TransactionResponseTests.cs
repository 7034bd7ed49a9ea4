using System.Text;
using TaskOrchestrator.Storage.Transactions;

namespace TaskOrchestrator.Grains.Tests.Storage.Transactions;

/// <summary>The parser of a <c>$batch</c> answer, on literal answers shaped as Azure and Azurite send them.</summary>
public sealed class TransactionResponseTests
{
    private const string ContentType = "multipart/mixed; boundary=batchresponse_6e1f";

    [Fact]
    public void Parse_TwoSuccesses_ETagsInOrder()
    {
        var body = Batch(
            Part("HTTP/1.1 204 No Content\r\nX-Content-Type-Options: nosniff\r\nETag: W/\"datetime'2026-12-03T17%3A00%3A00.1Z'\"\r\n\r\n"),
            Part("HTTP/1.1 204 No Content\r\nDataServiceVersion: 1.0;\r\n\r\n"));

        var answer = TransactionResponse.Parse(ContentType, body, 2);

        Assert.Null(answer.Failure);
        Assert.Equal(new string?[] { "W/\"datetime'2026-12-03T17%3A00%3A00.1Z'\"", null }, answer.ETags!);
    }

    [Fact]
    public void Parse_AzureFailureWithIndexInTheMessage_ReportsIndexStatusAndCode()
    {
        var body = Batch(Part(
            "HTTP/1.1 412 Precondition Failed\r\nContent-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n" +
            "{\"odata.error\":{\"code\":\"UpdateConditionNotSatisfied\",\"message\":{\"lang\":\"en-US\",\"value\":\"2:The update condition specified in the request was not satisfied.\\nRequestId:1\"}}}"));

        var answer = TransactionResponse.Parse(ContentType, body, 5);

        Assert.Equal(2, answer.FailedIndex);
        Assert.Equal(412, answer.Failure!.Status);
        Assert.Equal("UpdateConditionNotSatisfied", answer.Failure.ErrorCode);
        Assert.Null(answer.ETags);
    }

    [Fact]
    public void Parse_FailureNumberedOnlyByContentId_ReportsThatIndex()
    {
        var body = Batch(Part(
            "HTTP/1.1 409 Conflict\r\nContent-ID: 4\r\n\r\n{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"The specified entity already exists.\"}}}"));

        var answer = TransactionResponse.Parse(ContentType, body, 5);

        Assert.Equal(3, answer.FailedIndex);
        Assert.Equal("EntityAlreadyExists", answer.Failure!.ErrorCode);
    }

    [Fact]
    public void Parse_RequestRefusedWithoutChangeset_FailureWithoutIndex()
    {
        var body = "--batchresponse_6e1f\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{\"odata.error\":{\"code\":\"InvalidInput\",\"message\":{\"lang\":\"en-US\",\"value\":\"Bad batch.\"}}}\r\n" +
            "--batchresponse_6e1f--\r\n";

        var answer = TransactionResponse.Parse(ContentType, Encoding.UTF8.GetBytes(body), 3);

        Assert.Null(answer.FailedIndex);
        Assert.Equal(400, answer.Failure!.Status);
        Assert.Equal("InvalidInput", answer.Failure.ErrorCode);
    }

    [Fact]
    public void Parse_FewerAnswersThanActions_Throws()
    {
        var body = Batch(Part("HTTP/1.1 204 No Content\r\n\r\n"));

        var e = Assert.Throws<InvalidDataException>(() => TransactionResponse.Parse(ContentType, body, 2));

        Assert.Contains("1 responses for 2 actions", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not multipart at all")]
    [InlineData("--batchresponse_6e1f\r\nContent-Type: multipart/mixed; boundary=changesetresponse_1\r\n\r\n--changesetresponse_1\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204")]
    [InlineData("--batchresponse_6e1f\r\nContent-Type: multipart/mixed; boundary=changesetresponse_1\r\n\r\n--changesetresponse_1\r\n\r\nGARBAGE\r\n--changesetresponse_1--\r\n--batchresponse_6e1f--")]
    [InlineData("--batchresponse_6e1f")]
    public void Parse_TruncatedOrMalformed_ThrowsInvalidData(string body)
    {
        Assert.Throws<InvalidDataException>(() => TransactionResponse.Parse(ContentType, Encoding.UTF8.GetBytes(body), 1));
    }

    [Fact]
    public void Parse_NotMultipart_ThrowsNamingTheContentType()
    {
        var e = Assert.Throws<InvalidDataException>(() => TransactionResponse.Parse("application/json", "{}"u8, 1));

        Assert.Contains("application/json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LineFeedsOnly_ParsesLikeCrLf()
    {
        var body = Batch(Part("HTTP/1.1 201 Created\r\nETag: W/\"x\"\r\n\r\n{}")).AsSpan().ToArray();
        var lf = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("\r\n", "\n", StringComparison.Ordinal));

        Assert.Equal(new string?[] { "W/\"x\"" }, TransactionResponse.Parse(ContentType, lf, 1).ETags!);
    }

    [Fact]
    public void RequestFailure_BodyTooLargeAnswer_IsASizeRefusal()
    {
        var e = TransactionResponse.RequestFailure(413, "RequestBodyTooLarge", "<?xml version=\"1.0\"?><Error><Code>RequestBodyTooLarge</Code></Error>"u8);

        Assert.True(TaskOrchestrator.Storage.RowTooLargeException.IsSizeRefusal(e));
    }

    private static string Part(string httpResponse) =>
        "--changesetresponse_a1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" + httpResponse + "\r\n";

    private static byte[] Batch(params string[] parts) => Encoding.UTF8.GetBytes(
        "--batchresponse_6e1f\r\nContent-Type: multipart/mixed; boundary=changesetresponse_a1\r\n\r\n" +
        string.Concat(parts) + "--changesetresponse_a1--\r\n--batchresponse_6e1f--\r\n");
}
