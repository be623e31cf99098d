// `npm start` builds the dashboard itself, once DATA_DIR is known to be free: building first would empty web/dist
// under a pullwatch already running on that DATA_DIR before the second start is refused.
import { fileURLToPath } from 'node:url';

const WEB_DIR = fileURLToPath(new URL('../web', import.meta.url));

export async function buildDashboard(): Promise<void> {
  const { build } = await import('vite');
  await build({ root: WEB_DIR, configFile: `${WEB_DIR}/vite.config.ts`, logLevel: 'warn', build: { emptyOutDir: true } });
}
