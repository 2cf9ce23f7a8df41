// npm start: builds the native board with the app (package.json), then calls the app's functions
// on it. AppFunctions (app/app.d.ts, written by `urpc build --app`) types session.functions.
import { connect } from 'urpc';
import type { AppFunctions } from '../app/app.d.ts';

const s = await connect<AppFunctions>('native');
try {
  console.log('madd(6, 7, 100) =', await s.functions.madd(6, 7, 100));
  const t = await s.array(new Int32Array([1, 2, 3, 4]));
  console.log('total([1, 2, 3, 4]) =', await s.functions.total(t));
  const info = await s.info();
  console.log(`device: ${info.board}, ${info.functions.length} functions`);
} finally {
  await s.close();
}
