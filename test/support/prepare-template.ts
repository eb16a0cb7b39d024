import 'reflect-metadata';
import { prepareTemplate } from './test-database';

prepareTemplate().catch((error: unknown) => {
  console.error('could not prepare the test template database:', error);
  process.exit(1);
});
