"""Routes with their files, surface segments, friendliness and waypoints; users.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:05:03.178539
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # The only extension the project needs; PostGIS must be installed on the server.
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'organizer', 'member')", name='users_role'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_geospatial_table('routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTILINESTRINGZ', srid=4326, dimension=3, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('geom_display', Geometry(geometry_type='MULTILINESTRING', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('start', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('length_m', sa.Float(), nullable=False),
    sa.Column('ascent_m', sa.Float(), nullable=True),
    sa.Column('descent_m', sa.Float(), nullable=True),
    sa.Column('min_ele_m', sa.Float(), nullable=True),
    sa.Column('max_ele_m', sa.Float(), nullable=True),
    sa.Column('duration_s', sa.Float(), nullable=False),
    sa.Column('effort_km', sa.Float(), nullable=False),
    sa.Column('difficulty', sa.String(length=16), nullable=False),
    sa.Column('is_loop', sa.Boolean(), nullable=False),
    sa.Column('has_elevation', sa.Boolean(), nullable=False),
    sa.Column('has_times', sa.Boolean(), nullable=False),
    sa.Column('point_count', sa.Integer(), nullable=False),
    sa.Column('max_grade_pct', sa.Float(), nullable=True),
    sa.Column('max_grade_at_m', sa.Float(), nullable=True),
    sa.Column('profile', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('source_format', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("difficulty IN ('easy', 'moderate', 'hard')", name='routes_difficulty'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('routes_geog_gist', 'routes', [sa.literal_column('(geom::geography)')], unique=False, postgresql_using='gist')
    op.create_geospatial_index('routes_geom_gist', 'routes', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index('routes_name_lower', 'routes', [sa.literal_column('lower(name)')], unique=False)
    op.create_index('routes_start_gist', 'routes', [sa.literal_column('(start::geography)')], unique=False, postgresql_using='gist')
    op.create_table('route_files',
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['route_id'], ['routes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('route_id'),
    sa.UniqueConstraint('sha256')
    )
    # Big values (original files, 100k-point lines) compress 5x faster with lz4 than
    # with the default pglz; servers built without lz4 keep pglz.
    for table, column in (("route_files", "content"), ("routes", "geom")):
        op.execute(
            "DO $$ BEGIN "
            f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4; "
            "EXCEPTION WHEN feature_not_supported THEN NULL; END $$"
        )
    op.create_table('route_friendliness',
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('inferred_level', sa.String(length=16), nullable=False),
    sa.Column('inferred_reason', sa.Text(), nullable=True),
    sa.Column('manual_level', sa.String(length=16), nullable=True),
    sa.Column('manual_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['route_id'], ['routes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('route_id', 'audience')
    )
    op.create_table('surface_segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('start_m', sa.Float(), nullable=False),
    sa.Column('end_m', sa.Float(), nullable=False),
    sa.Column('surface', sa.String(length=32), nullable=False),
    sa.Column('condition', sa.String(length=8), nullable=False),
    sa.CheckConstraint('end_m > start_m', name='surface_segments_order'),
    sa.ForeignKeyConstraint(['route_id'], ['routes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_surface_segments_route_id'), 'surface_segments', ['route_id'], unique=False)
    op.create_geospatial_table('waypoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=True),
    sa.Column('ele_m', sa.Float(), nullable=True),
    sa.Column('time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['route_id'], ['routes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('route_id', 'position', name='waypoints_route_position')
    )
    op.create_index(op.f('ix_waypoints_route_id'), 'waypoints', ['route_id'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f('ix_waypoints_route_id'), table_name='waypoints')
    op.drop_geospatial_table('waypoints')
    op.drop_index(op.f('ix_surface_segments_route_id'), table_name='surface_segments')
    op.drop_table('surface_segments')
    op.drop_table('route_friendliness')
    op.drop_table('route_files')
    op.drop_index('routes_start_gist', table_name='routes', postgresql_using='gist')
    op.drop_index('routes_name_lower', table_name='routes')
    op.drop_geospatial_index('routes_geom_gist', table_name='routes', postgresql_using='gist', column_name='geom')
    op.drop_index('routes_geog_gist', table_name='routes', postgresql_using='gist')
    op.drop_geospatial_table('routes')
    op.drop_table('users')
