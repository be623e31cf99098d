// A fake CloudFormation (query protocol, XML) answering DescribeStacks, for running the repos CLI against "AWS" offline.
import { type FakeUpstream, startFakeUpstream } from '../fakes/upstream.ts';

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** `stacks`: stack name → its outputs. Point the SDK at it with AWS_ENDPOINT_URL_CLOUDFORMATION. */
export async function startFakeCloudFormation(stacks: Record<string, Record<string, string>>): Promise<FakeUpstream> {
  const fake = await startFakeUpstream();
  fake.route('/', async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const form = new URLSearchParams(body);
    const name = form.get('StackName') ?? '';
    const outputs = stacks[name];
    if (form.get('Action') !== 'DescribeStacks' || !outputs) {
      const message = outputs ? `unsupported action ${form.get('Action')}` : `Stack with id ${name} does not exist`;
      response.writeHead(400, { 'content-type': 'text/xml' });
      response.end(
        `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
      );
      return;
    }
    const members = Object.entries(outputs)
      .map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`)
      .join('');
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(
      `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks><member>` +
        `<StackName>${name}</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/${name}/fake</StackId>` +
        `<CreationTime>2026-11-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs>` +
        `</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  });
  return fake;
}
