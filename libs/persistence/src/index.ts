export * from './data-source.js';
export {
  DataSource,
  Entity,
  Column,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Index,
  CreateDateColumn,
} from 'typeorm';
export type { MigrationInterface, QueryRunner, EntityManager, Repository } from 'typeorm';
export * from './leader-fence.js';
export * from './reachability.js';
export * from './service-roles.js';
export * from './migrate-step.js';
export * from './migrate-main.js';
export * from './append-only.js';
export * from './export-cursors.js';
