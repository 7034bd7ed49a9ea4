namespace TaskOrchestrator.Tasks;

/// <summary>How a call proves to its target who sent it, on top of the scheduler's own signature headers.</summary>
public enum TargetAuthentication
{
    /// <summary>Only the scheduler's signature headers (and whatever headers the task carries).</summary>
    None = 0,

    /// <summary>AWS Signature Version 4, for Lambda function URLs with <c>AuthType: AWS_IAM</c>; credentials and region from configuration.</summary>
    AwsSigV4 = 1,
}
