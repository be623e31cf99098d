// Imported first by every command: the AWS SDK warns on each run that its releases after January 2027 will need Node 22.
// The lockfile pins releases that support the Node versions pullwatch supports (package.json engines), so the notice
// tells a user of pullwatch nothing they can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
