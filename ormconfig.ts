import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from './src/config/app-config';
import { buildDataSourceOptions } from './src/database/data-source-options';

// The TypeORM CLI runs migrations itself, so the data source must not run them on initialise.
const config = loadAppConfig();
export default new DataSource({ ...buildDataSourceOptions(config), migrationsRun: false });
