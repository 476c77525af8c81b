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
